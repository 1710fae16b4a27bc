// A bedside monitor for the browser tests: a FHIR Device in records assigned to a patient and a
// ward (how monitoring learns who a device measures), sending vital-sign batches to monitoring's
// real ingest API, as a device on the ward network does.
import { call, type Platform } from './platform.ts';

export interface Vitals {
  rr: number;
  spo2: number;
  sbp: number;
  hr: number;
  temp: number;
  acvpu?: 'A' | 'C' | 'V' | 'P' | 'U';
  oxygen?: boolean;
}

export const normalVitals: Vitals = { rr: 16, spo2: 97, sbp: 122, hr: 72, temp: 37.0 };
/** NEWS2 ≥ 7 (high): RR 26 (3), SpO2 91 (3), SBP 98 (2), HR 124 (2), temperature 39.3 (2). */
export const deterioratedVitals: Vitals = { rr: 26, spo2: 91, sbp: 98, hr: 124, temp: 39.3 };

export function vitalsBatch(device: string, timeMs: number, vitals: Vitals) {
  const time = new Date(timeMs).toISOString();
  return {
    device,
    samples: [
      { code: '9279-1', system: 'http://loinc.org', time, value: vitals.rr },
      { code: '59408-5', system: 'http://loinc.org', time, value: vitals.spo2 },
      { code: '8480-6', system: 'http://loinc.org', time, value: vitals.sbp },
      { code: '8462-4', system: 'http://loinc.org', time, value: Math.round(vitals.sbp * 0.62) },
      { code: '8867-4', system: 'http://loinc.org', time, value: vitals.hr },
      { code: '8310-5', system: 'http://loinc.org', time, value: vitals.temp },
      { code: '1104441000000107', system: 'http://snomed.info/sct', time, value: vitals.acvpu ?? 'A' },
      { code: vitals.oxygen ? '371825009' : '722742002', system: 'http://snomed.info/sct', time },
    ],
  };
}

export async function addWard(platform: Platform, id: string, name: string): Promise<void> {
  const reply = await call(platform, 'PUT', `/fhir/R4/Location/${id}`, {
    resourceType: 'Location',
    id,
    status: 'active',
    name,
    physicalType: {
      coding: [
        {
          system: 'http://terminology.hl7.org/CodeSystem/location-physical-type',
          code: 'wa',
          display: 'Ward',
        },
      ],
    },
  });
  if (reply.status >= 300) throw new Error(`ward not stored (${reply.status})`);
}

export class BedsideDevice {
  readonly id: string;
  readonly platform: Platform;

  constructor(platform: Platform, id: string) {
    this.platform = platform;
    this.id = id;
  }

  async assign(patientId: string, wardId: string): Promise<void> {
    const reply = await call(this.platform, 'PUT', `/fhir/R4/Device/${this.id}`, {
      resourceType: 'Device',
      id: this.id,
      status: 'active',
      patient: { reference: `Patient/${patientId}` },
      location: { reference: `Location/${wardId}` },
    });
    if (reply.status >= 300) throw new Error(`device not stored (${reply.status})`);
  }

  /** Sends one batch; retries what monitoring calls transient (503, 429), as a device does. */
  async send(vitals: Vitals, timeMs = Date.now()): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const reply = await call<{ accepted: number }>(
        this.platform,
        'POST',
        '/monitoring/v1/samples',
        vitalsBatch(this.id, timeMs, vitals),
      );
      if (reply.status === 200 && reply.body.accepted === 8) return;
      if ((reply.status !== 503 && reply.status !== 429) || attempt === 10) {
        throw new Error(`samples not accepted (${reply.status}): ${JSON.stringify(reply.body)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }

  /** Sends normal vitals until monitoring scores the patient: the assignment has reached it through records' events. */
  async sendUntilScored(patientId: string, vitals: Vitals, timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.send(vitals);
      const latest = await call<{ news2: unknown }>(
        this.platform,
        'GET',
        `/monitoring/v1/patients/${patientId}/latest`,
      );
      if (latest.body.news2) return;
      if (Date.now() > deadline) throw new Error('monitoring never scored the patient');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}
