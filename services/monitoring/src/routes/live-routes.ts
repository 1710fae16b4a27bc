// Live streams over WebSocket: /monitoring/v1/live?patient=<id> or ?ward=<Location id>. A
// subscriber first gets a snapshot (latest vitals, NEWS2, open alerts of each patient), then every
// frame as it happens.
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { LiveSubscriber } from '../live/live-hub.ts';
import { closeAtTokenExpiry, fhirIdPattern, type RouteDeps } from './route-deps.ts';
import type { StreamPrincipal } from './stream-access.ts';

const maxBufferedBytes = 4 * 1024 * 1024;

function subscriberOf(socket: WebSocket, accepts?: (patientId: string) => boolean): LiveSubscriber {
  return {
    send: (frame) => socket.send(frame),
    buffered: () => socket.bufferedAmount,
    close: (reason) => socket.close(1013, reason),
    ...(accepts ? { accepts } : {}),
  };
}

export function registerLiveRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/monitoring/v1/live', { websocket: true }, async (socket, request) => {
    const { patient, ward } = request.query as { patient?: string; ward?: string };
    const target = patient ?? ward;
    if (
      (patient === undefined) === (ward === undefined) ||
      target === undefined ||
      !fhirIdPattern.test(target)
    ) {
      socket.close(1008, 'name exactly one of ?patient=<id> or ?ward=<Location id>');
      return;
    }
    let principal: StreamPrincipal;
    try {
      principal = await deps.access({
        action: 'read',
        request,
        ...(patient ? { patientId: patient } : { wardId: target }),
      });
    } catch {
      socket.close(1008, 'not allowed');
      return;
    }
    // A ward holds patients this token may not see: each frame is checked against it (deny by default).
    const subscriber = subscriberOf(socket, patient ? undefined : (id) => principal.mayRead(id));
    const unsubscribe = patient
      ? deps.hub.subscribePatient(patient, subscriber)
      : deps.hub.subscribeWard(target, subscriber);
    socket.on('close', unsubscribe);
    closeAtTokenExpiry(socket, principal);
    const patients = patient
      ? [patient]
      : deps.directory.patientsInWard(target).filter((id) => principal.mayRead(id));
    for (const id of patients) socket.send(JSON.stringify(snapshot(deps, id)));
    if (socket.bufferedAmount > maxBufferedBytes) socket.close(1013, 'snapshot too large');
  });
}

export function snapshot(
  deps: Pick<RouteDeps, 'monitor' | 'alerts'>,
  patientId: string,
): Record<string, unknown> {
  const state = deps.monitor.state(patientId);
  const vitals = Object.fromEntries(
    Object.entries(state?.readings ?? {}).map(([kind, r]) => [
      kind,
      {
        value: r.value,
        time: new Date(r.timeMs).toISOString(),
        ...(r.state === undefined ? {} : { state: r.state }),
      },
    ]),
  );
  return {
    type: 'snapshot',
    patient: patientId,
    vitals,
    news2: state?.news2 ?? null,
    alerts: deps.alerts.open(patientId),
  };
}
