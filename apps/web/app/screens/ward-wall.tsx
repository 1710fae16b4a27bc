// The live monitoring wall for a ward: one tile per bed with the latest vitals, NEWS2 and its risk
// colour, sparklines of the last minutes, highest risk first — from monitoring's ward stream.
import { Fragment } from 'preact';
import type { VitalKind } from '../api/monitoring.ts';
import { patientsById } from '../api/wards.ts';
import { Page } from '../components/page.tsx';
import { RiskBadge } from '../components/risk-badge.tsx';
import { Sparkline } from '../components/sparkline.tsx';
import { useAsync } from '../components/use-async.ts';
import { patientName } from '../fhir/format.ts';
import type { PatientLiveState } from '../monitoring/live-state.ts';
import { byRisk } from '../monitoring/risk.ts';
import { useLive } from '../monitoring/use-live.ts';
import { readingText, vitalLabels } from '../monitoring/vital-labels.ts';
import { usePlatform } from '../platform.ts';
import { Link } from '../router.tsx';
import { StreamNotice } from './stream-notice.tsx';
import { WardPicker } from './ward-picker.tsx';

const tileVitals: VitalKind[] = ['heartRate', 'respiratoryRate', 'spo2', 'systolicBp', 'temperature'];
const sparkWindowMs = 10 * 60_000;

export function WardWall({ ward }: { ward: string }) {
  return (
    <Page title="Monitoring wall">
      <WardPicker ward={ward} path="/ward" />
      {ward && <Wall ward={ward} />}
    </Page>
  );
}

function Wall({ ward }: { ward: string }) {
  const { api } = usePlatform();
  const live = useLive({ ward }, sparkWindowMs);
  const ids = Object.keys(live.state).sort();
  const [patients] = useAsync(() => patientsById(api, ids), [ids.join(',')]);
  const names = patients.state === 'ready' ? patients.value : new Map();
  const beds = Object.values(live.state)
    .map((bed) => ({ bed, key: bed.patient, band: bed.news2?.band, total: bed.news2?.total }))
    .sort(byRisk);
  return (
    <>
      <StreamNotice status={live.status} reason={live.reason} />
      {live.status === 'live' && beds.length === 0 && <p class="empty">No monitored bed on this ward.</p>}
      <ul class="wall" aria-label="Beds, highest risk first">
        {beds.map(({ bed }) => (
          <BedTile
            key={bed.patient}
            bed={bed}
            name={names.has(bed.patient) ? patientName(names.get(bed.patient)) : bed.patient}
          />
        ))}
      </ul>
    </>
  );
}

function BedTile({ bed, name }: { bed: PatientLiveState; name: string }) {
  const open = Object.values(bed.alerts).filter((alert) => alert.status === 'raised').length;
  return (
    <li class={`bed band-${bed.news2?.band ?? 'none'}`} data-patient={bed.patient}>
      <h2>
        <Link href={`/patients/${bed.patient}/live`}>{name}</Link>
        {open > 0 && <span class="alert-count">{open === 1 ? '1 alert' : `${open} alerts`}</span>}
      </h2>
      <RiskBadge band={bed.news2?.band} total={bed.news2?.total} red={bed.news2?.red} />
      {bed.news2Missing && <p class="hint">Not scored: missing {bed.news2Missing.join(', ')}</p>}
      <dl class="bed-vitals">
        {tileVitals.map((kind) => (
          <Fragment key={kind}>
            <dt>{vitalLabels[kind].short}</dt>
            <dd>
              <Sparkline points={bed.history[kind] ?? []} label={`${vitalLabels[kind].label} trend`} />
            </dd>
            <dd data-vital={kind}>
              {kind === 'systolicBp' && bed.vitals.diastolicBp
                ? `${bed.vitals.systolicBp?.value ?? '—'}/${bed.vitals.diastolicBp.value} mmHg`
                : readingText(kind, bed.vitals[kind])}
            </dd>
          </Fragment>
        ))}
      </dl>
    </li>
  );
}
