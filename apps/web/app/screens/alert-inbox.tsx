// The alert inbox for a ward: raised and escalating alerts first, acknowledged ones with who and
// when; one button acknowledges. Fed by monitoring's ward stream (open alerts in its snapshot,
// every change as it happens).
import { useState } from 'preact/hooks';
import type { AlertView } from '../api/monitoring.ts';
import { patientsById } from '../api/wards.ts';
import { AlertList } from '../components/alert-list.tsx';
import { Page } from '../components/page.tsx';
import { useAsync } from '../components/use-async.ts';
import { patientName } from '../fhir/format.ts';
import { mergeAlerts } from '../monitoring/live-state.ts';
import { useLive } from '../monitoring/use-live.ts';
import { usePlatform } from '../platform.ts';
import { StreamNotice } from './stream-notice.tsx';
import { WardPicker } from './ward-picker.tsx';

export function AlertInbox({ ward }: { ward: string }) {
  return (
    <Page title="Alerts">
      <WardPicker ward={ward} path="/alerts" />
      {ward && <Inbox ward={ward} />}
    </Page>
  );
}

function Inbox({ ward }: { ward: string }) {
  const { api } = usePlatform();
  const live = useLive({ ward }, 60_000);
  const [changed, setChanged] = useState<Record<string, AlertView>>({});
  const alerts = mergeAlerts(
    Object.values(live.state).flatMap((bed) => Object.values(bed.alerts)),
    Object.values(changed),
  );
  const ids = [...new Set(alerts.map((alert) => alert.patient))].sort();
  const [patients] = useAsync(() => patientsById(api, ids), [ids.join(',')]);
  const names = new Map<string, string>();
  if (patients.state === 'ready')
    for (const [id, patient] of patients.value) names.set(id, patientName(patient));
  const open = alerts.filter((alert) => alert.status === 'raised').length;
  return (
    <>
      <StreamNotice status={live.status} reason={live.reason} />
      <p class="count" aria-live="polite">
        {open === 0 ? 'No open alert.' : open === 1 ? '1 open alert.' : `${open} open alerts.`}
      </p>
      <AlertList
        alerts={alerts}
        names={names}
        caption="Alerts on this ward, open first"
        onChange={(alert) => setChanged((previous) => ({ ...previous, [alert.id]: alert }))}
      />
    </>
  );
}
