// Before a simulation drives devices, its patients and their devices exist in records: one
// transaction Bundle per chunk, PUT with ids derived from the run id (re-running is harmless).
// Each Device names its patient (Device.patient) and the simulated ward (Device.location).
export interface SimulatedBed {
  patientId: string;
  deviceId: string;
}

export function simulatedBeds(runId: string, count: number): SimulatedBed[] {
  return Array.from({ length: count }, (_, i) => ({
    patientId: `sim-${runId}-p${i}`,
    deviceId: `sim-${runId}-d${i}`,
  }));
}

export async function createBedsInRecords(
  url: string,
  beds: readonly SimulatedBed[],
  ward: string,
  headers: Record<string, string>,
): Promise<void> {
  const chunk = 250;
  for (let start = 0; start < beds.length; start += chunk) {
    const entry = beds.slice(start, start + chunk).flatMap((bed, i) => [
      {
        resource: {
          resourceType: 'Patient',
          id: bed.patientId,
          name: [{ family: 'Simulated', given: [`Bed ${start + i + 1}`] }],
        },
        request: { method: 'PUT', url: `Patient/${bed.patientId}` },
      },
      {
        resource: {
          resourceType: 'Device',
          id: bed.deviceId,
          status: 'active',
          deviceName: [{ name: `Simulated bedside monitor ${start + i + 1}`, type: 'user-friendly-name' }],
          patient: { reference: `Patient/${bed.patientId}` },
          location: { reference: `Location/${ward}` },
        },
        request: { method: 'PUT', url: `Device/${bed.deviceId}` },
      },
    ]);
    const response = await fetch(`${url}/fhir/R4`, {
      method: 'POST',
      headers: { 'content-type': 'application/fhir+json', ...headers },
      body: JSON.stringify({ resourceType: 'Bundle', type: 'transaction', entry }),
    });
    if (response.status !== 200) {
      throw new Error(`records refused the simulated patients and devices (HTTP ${response.status})`);
    }
  }
}
