// What monitoring's HTTP and WebSocket handlers are given by index.ts.
import type { Clock } from '@healthlane/kit';
import type { Database } from '@healthlane/store';
import type { AlertEngine } from '../alerts/alert-engine.ts';
import type { DeviceDirectory } from '../devices/device-directory.ts';
import type { IngestPipeline } from '../ingest/ingest-pipeline.ts';
import type { LiveHub } from '../live/live-hub.ts';
import type { PatientSettingsStore } from '../patients/patient-settings.ts';
import type { PatientMonitor } from '../scoring/patient-monitor.ts';
import type { StreamAccessCheck, StreamPrincipal } from './stream-access.ts';

export interface RouteDeps {
  db: Database;
  clock: Clock;
  pipeline: IngestPipeline;
  monitor: PatientMonitor;
  alerts: AlertEngine;
  hub: LiveHub;
  directory: DeviceDirectory;
  settings: PatientSettingsStore;
  access: StreamAccessCheck;
}

export const fhirIdPattern = /^[A-Za-z0-9\-.]{1,64}$/;

/** A stream ends with the token that opened it (1008); the client reconnects with a fresh one. */
export function closeAtTokenExpiry(
  socket: { close(code: number, reason: string): void; on(event: 'close', listener: () => void): unknown },
  principal: StreamPrincipal,
): void {
  if (principal.expiresAtMs === undefined) return;
  const timer = setTimeout(
    () => socket.close(1008, 'access token expired'),
    Math.min(Math.max(0, principal.expiresAtMs - Date.now()), 2_147_483_647),
  );
  timer.unref();
  socket.on('close', () => clearTimeout(timer));
}
