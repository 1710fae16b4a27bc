// Per-patient monitoring settings a clinician documents: the SpO2 scale (2 only with a documented
// hypercapnic target range of 88–92 %) and vital limits for limit alerts. Kept durably, read from memory.
import type { Database } from '@healthlane/store';
import type { VitalLimits } from '../domain/alert-rules.ts';
import type { Spo2Scale } from '../domain/news2.ts';

export interface PatientSettings {
  spo2Scale: Spo2Scale;
  limits: VitalLimits;
  documentedBy: string;
  documentedAt: string;
}

export interface PatientSettingsStore {
  load(): Promise<void>;
  get(patientId: string): PatientSettings | undefined;
  put(patientId: string, settings: PatientSettings): Promise<void>;
}

export function createPatientSettingsStore(db: Database): PatientSettingsStore {
  const settings = new Map<string, PatientSettings>();
  return {
    async load() {
      const { rows } = await db.query<{
        patient_id: string;
        spo2_scale: number;
        limits: VitalLimits;
        documented_by: string;
        documented_at: Date;
      }>(
        'SELECT patient_id, spo2_scale, limits, documented_by, documented_at FROM monitoring.patient_settings',
      );
      for (const row of rows) {
        settings.set(row.patient_id, {
          spo2Scale: row.spo2_scale === 2 ? 2 : 1,
          limits: row.limits,
          documentedBy: row.documented_by,
          documentedAt: row.documented_at.toISOString(),
        });
      }
    },
    get: (patientId) => settings.get(patientId),
    async put(patientId, value) {
      await db.query(
        `INSERT INTO monitoring.patient_settings (patient_id, spo2_scale, limits, documented_by, documented_at)
         VALUES ($1, $2, $3::jsonb, $4, $5)
         ON CONFLICT (patient_id) DO UPDATE SET spo2_scale = excluded.spo2_scale, limits = excluded.limits,
           documented_by = excluded.documented_by, documented_at = excluded.documented_at`,
        [patientId, value.spo2Scale, JSON.stringify(value.limits), value.documentedBy, value.documentedAt],
      );
      settings.set(patientId, value);
    },
  };
}
