// One pipeline for every transport: validate a device batch, hand its samples to the patient
// monitor (the alert path, at once), and resolve when they are durable — the moment a transport
// may acknowledge (HTTP reply, WebSocket ack frame, MQTT PUBACK).
import type { Clock } from '@healthlane/kit';
import type { DeviceDirectory } from '../devices/device-directory.ts';
import { parseBatch, type RefusedSample } from '../domain/sample-payload.ts';
import type { VitalSample } from '../domain/vital-sample.ts';
import type { PatientMonitor } from '../scoring/patient-monitor.ts';
import type { SampleWriter } from '../store/sample-writer.ts';

export interface IngestOutcome {
  accepted: number;
  refused: RefusedSample[];
}

export type IngestResult = { ok: true; outcome: IngestOutcome } | { ok: false; reason: string };

export interface IngestPipeline {
  /** Validates and ingests one device batch; resolves once accepted samples are durable. */
  ingest(body: unknown, deviceFromTransport?: string): Promise<IngestResult>;
  /** Samples that arrived as FHIR Observations in records: scored and stored, never charted back. */
  ingestFromRecords(patientId: string, sourceId: string, samples: readonly VitalSample[]): Promise<void>;
}

export interface IngestPipelineOptions {
  clock: Clock;
  directory: DeviceDirectory;
  monitor: PatientMonitor;
  writer: SampleWriter;
  maxLatenessMs: number;
  maxClockSkewMs: number;
  onSamples?: (accepted: number, refused: number) => void;
  /** Seconds from a batch's arrival until it was scored (alert path) and until it was durable. */
  onLag?: (stage: 'scored' | 'stored', seconds: number) => void;
}

export function createIngestPipeline(options: IngestPipelineOptions): IngestPipeline {
  const { clock, directory, monitor, writer } = options;

  function lag(stage: 'scored' | 'stored', receivedMs: number): void {
    if (options.onLag) options.onLag(stage, Math.max(0, clock.now().getTime() - receivedMs) / 1000);
  }

  return {
    async ingest(body, deviceFromTransport) {
      const receivedMs = clock.now().getTime();
      const parsed = parseBatch(
        body,
        { earliestMs: receivedMs - options.maxLatenessMs, latestMs: receivedMs + options.maxClockSkewMs },
        deviceFromTransport,
      );
      if (!parsed.ok) {
        options.onSamples?.(0, 1);
        return parsed;
      }
      const { batch } = parsed;
      const patientId = directory.lookup(batch.deviceId)?.patientId;
      if (patientId !== undefined && batch.samples.length > 0) {
        monitor.process(patientId, batch.deviceId, batch.samples, true, receivedMs);
        lag('scored', receivedMs);
      }
      await writer.writeDevice({
        deviceId: batch.deviceId,
        patientId: patientId ?? null,
        receivedMs,
        samples: batch.samples,
      });
      if (batch.samples.length > 0) lag('stored', receivedMs);
      options.onSamples?.(batch.samples.length, batch.refused.length);
      return { ok: true, outcome: { accepted: batch.samples.length, refused: batch.refused } };
    },
    async ingestFromRecords(patientId, sourceId, samples) {
      if (samples.length === 0) return;
      const receivedMs = clock.now().getTime();
      monitor.process(patientId, undefined, samples, false, receivedMs);
      lag('scored', receivedMs);
      await writer.writeDevice({ deviceId: sourceId, patientId, receivedMs, samples });
      lag('stored', receivedMs);
    },
  };
}
