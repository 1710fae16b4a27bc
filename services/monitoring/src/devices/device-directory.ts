// Which patient (and ward) each device currently measures. Assignments are recorded in records as
// FHIR Device resources — Device.patient is the patient, Device.location the ward — and reach
// monitoring through records' fhir.Device.* events; this directory keeps the latest version of
// each, durably (so a restart knows them before the event stream catches up) and in memory (the hot path).
import type { Database, SqlExecutor } from '@healthlane/store';

export interface DeviceAssignment {
  patientId: string | undefined;
  wardId: string | undefined;
}

export interface DeviceDirectory {
  load(): Promise<void>;
  lookup(deviceId: string): DeviceAssignment | undefined;
  /** Applies a Device resource version (or a deletion); older versions than the one known are ignored. */
  apply(tx: SqlExecutor, deviceId: string, versionId: string, resource: unknown | null): Promise<boolean>;
  /** The patients currently measured by a device located in `wardId`. */
  patientsInWard(wardId: string): string[];
  wardOf(patientId: string): string | undefined;
}

/** `Patient/123` (or a full URL ending so) → '123'. */
export function referenceId(reference: unknown, type: string): string | undefined {
  if (typeof reference !== 'object' || reference === null) return undefined;
  const value = (reference as { reference?: unknown }).reference;
  if (typeof value !== 'string') return undefined;
  const match = new RegExp(`(?:^|/)${type}/([A-Za-z0-9\\-.]{1,64})(?:/_history/[^/]+)?$`).exec(value);
  return match?.[1];
}

export function assignmentOf(resource: unknown): DeviceAssignment {
  if (typeof resource !== 'object' || resource === null) return { patientId: undefined, wardId: undefined };
  const device = resource as { patient?: unknown; location?: unknown; status?: unknown };
  // An inactive or mistaken device measures nobody, whatever its patient reference says.
  const active = device.status === undefined || device.status === 'active';
  return {
    patientId: active ? referenceId(device.patient, 'Patient') : undefined,
    wardId: referenceId(device.location, 'Location'),
  };
}

export function createDeviceDirectory(db: Database): DeviceDirectory {
  const devices = new Map<string, DeviceAssignment & { versionId: number }>();
  /**
   * patient → ward of their first located device: read for every arriving batch (the live frames'
   * ward), so kept as an index, recomputed only for the patients an assignment change touches.
   */
  const wardByPatient = new Map<string, string>();

  function reindex(patientId: string | undefined): void {
    if (patientId === undefined) return;
    wardByPatient.delete(patientId);
    for (const device of devices.values()) {
      if (device.patientId === patientId && device.wardId) {
        wardByPatient.set(patientId, device.wardId);
        return;
      }
    }
  }

  return {
    async load() {
      const { rows } = await db.query<{
        device_id: string;
        patient_id: string | null;
        ward_id: string | null;
        version_id: string;
      }>('SELECT device_id, patient_id, ward_id, version_id FROM monitoring.device_assignment');
      for (const row of rows) {
        devices.set(row.device_id, {
          patientId: row.patient_id ?? undefined,
          wardId: row.ward_id ?? undefined,
          versionId: Number(row.version_id),
        });
      }
      wardByPatient.clear();
      for (const device of devices.values()) {
        if (device.patientId && device.wardId && !wardByPatient.has(device.patientId))
          wardByPatient.set(device.patientId, device.wardId);
      }
    },
    lookup: (deviceId) => devices.get(deviceId),
    async apply(tx, deviceId, versionId, resource) {
      const version = Number(versionId);
      const known = devices.get(deviceId);
      if (known && known.versionId >= version) return false;
      const assignment =
        resource === null ? { patientId: undefined, wardId: undefined } : assignmentOf(resource);
      await tx.query(
        `INSERT INTO monitoring.device_assignment (device_id, patient_id, ward_id, version_id, updated_at)
         VALUES ($1, $2, $3, $4, now())
         ON CONFLICT (device_id) DO UPDATE SET patient_id = excluded.patient_id, ward_id = excluded.ward_id,
           version_id = excluded.version_id, updated_at = excluded.updated_at
         WHERE monitoring.device_assignment.version_id::bigint < excluded.version_id::bigint`,
        [deviceId, assignment.patientId ?? null, assignment.wardId ?? null, versionId],
      );
      devices.set(deviceId, { ...assignment, versionId: version });
      reindex(known?.patientId);
      if (assignment.patientId !== known?.patientId) reindex(assignment.patientId);
      return true;
    },
    patientsInWard(wardId) {
      const patients = new Set<string>();
      for (const device of devices.values()) {
        if (device.wardId === wardId && device.patientId) patients.add(device.patientId);
      }
      return [...patients];
    },
    wardOf: (patientId) => wardByPatient.get(patientId),
  };
}
