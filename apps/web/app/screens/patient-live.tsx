// A patient's live view: vitals charts updating every second from monitoring's patient stream
// (seeded with the last minutes of the stored series), NEWS2 with its sub-scores, alert history.
import { useMemo, useState } from 'preact/hooks';
import { readPatient } from '../api/fhir.ts';
import { type AlertView, alertHistory, type LiveFrame, series, type VitalKind } from '../api/monitoring.ts';
import { AlertList } from '../components/alert-list.tsx';
import { Page } from '../components/page.tsx';
import { RiskBadge } from '../components/risk-badge.tsx';
import { Await } from '../components/status.tsx';
import { TimeSeriesChart } from '../components/time-series-chart.tsx';
import { useAsync } from '../components/use-async.ts';
import { patientName } from '../fhir/format.ts';
import { alignLines } from '../monitoring/chart-series.ts';
import { mergeAlerts, type PatientLiveState } from '../monitoring/live-state.ts';
import { useLive } from '../monitoring/use-live.ts';
import { readingText, subScoreLabels, vitalLabels } from '../monitoring/vital-labels.ts';
import { usePlatform } from '../platform.ts';
import { Link } from '../router.tsx';
import { StreamNotice } from './stream-notice.tsx';

const windowMs = 15 * 60_000;
const charts: Array<{ title: string; kinds: VitalKind[]; unit: string }> = [
  { title: 'Pulse', kinds: ['heartRate'], unit: '/min' },
  { title: 'SpO₂', kinds: ['spo2'], unit: '%' },
  { title: 'Respiratory rate', kinds: ['respiratoryRate'], unit: '/min' },
  { title: 'Blood pressure', kinds: ['systolicBp', 'diastolicBp'], unit: 'mmHg' },
  { title: 'Temperature', kinds: ['temperature'], unit: '°C' },
];
const headline: VitalKind[] = [
  'heartRate',
  'spo2',
  'respiratoryRate',
  'systolicBp',
  'temperature',
  'consciousness',
  'airOrOxygen',
];

export function PatientLive({ id }: { id: string }) {
  const { api } = usePlatform();
  const [patient] = useAsync(() => readPatient(api, id), [id]);
  const seed = useMemo(
    () => async (): Promise<LiveFrame[]> => {
      const to = new Date();
      const points = await series(
        api,
        id,
        ['heartRate', 'spo2', 'respiratoryRate', 'systolicBp', 'diastolicBp', 'temperature'],
        new Date(to.getTime() - windowMs),
        to,
      );
      return [{ type: 'vitals', patient: id, samples: points }];
    },
    [api, id],
  );
  const live = useLive({ patient: id }, windowMs, { seed });
  const bed = live.state[id];
  const title = patient.state === 'ready' ? `${patientName(patient.value)} — live` : 'Live vitals';
  return (
    <Page
      title={title}
      actions={
        <Link class="button" href={`/patients/${id}`}>
          Chart
        </Link>
      }
    >
      <StreamNotice status={live.status} reason={live.reason} />
      <div class="live-top">
        <section class="card" aria-labelledby="latest-title">
          <h2 id="latest-title">Latest vitals</h2>
          <div class="live-latest">
            {headline.map((kind) => (
              <div key={kind} data-vital={kind}>
                <span>{vitalLabels[kind].label}</span>
                <strong>
                  {kind === 'systolicBp' && bed?.vitals.diastolicBp
                    ? `${bed.vitals.systolicBp?.value ?? '—'}/${bed.vitals.diastolicBp.value}`
                    : readingText(kind, bed?.vitals[kind]).replace(/ (\/min|%|mmHg|°C)$/, '')}
                </strong>
                <span class="unit">{vitalLabels[kind].unit}</span>
              </div>
            ))}
          </div>
        </section>
        <News2Panel bed={bed} />
      </div>
      <section class="card" aria-labelledby="charts-title">
        <h2 id="charts-title">Last 15 minutes</h2>
        <div class="plots">
          {charts.map((chart) => {
            const aligned = alignLines(chart.kinds.map((kind) => bed?.history[kind] ?? []));
            return (
              <TimeSeriesChart
                key={chart.title}
                title={`${chart.title} (${chart.unit})`}
                height={160}
                times={aligned.times}
                series={chart.kinds.map((kind, index) => ({
                  label: vitalLabels[kind].label,
                  unit: chart.unit,
                  colour: vitalLabels[kind].colour,
                  values: aligned.values[index]!,
                }))}
              />
            );
          })}
        </div>
      </section>
      <AlertHistory id={id} bed={bed} />
    </Page>
  );
}

function News2Panel({ bed }: { bed: PatientLiveState | undefined }) {
  const news2 = bed?.news2;
  return (
    <section class="card news2" aria-labelledby="news2-title">
      <h2 id="news2-title">NEWS2</h2>
      <RiskBadge band={news2?.band} total={news2?.total} red={news2?.red} />
      {bed?.news2Missing && <p class="hint">Not scored: missing {bed.news2Missing.join(', ')}</p>}
      {news2 && (
        <>
          <p class="hint">Monitoring: {news2.monitoring.text}</p>
          <ul class="subscores" aria-label="NEWS2 sub-scores">
            {Object.entries(news2.subScores).map(([name, score]) => (
              <li key={name} class={`subscore-${score}`}>
                {subScoreLabels[name] ?? name}: <strong>{score}</strong>
              </li>
            ))}
          </ul>
          {news2.spo2Scale === 2 && (
            <p class="hint">SpO₂ scored on scale 2 (documented hypercapnic target range).</p>
          )}
        </>
      )}
    </section>
  );
}

function AlertHistory({ id, bed }: { id: string; bed: PatientLiveState | undefined }) {
  const { api } = usePlatform();
  const [history, retry] = useAsync(() => alertHistory(api, id), [id]);
  const [changed, setChanged] = useState<Record<string, AlertView>>({});
  return (
    <section class="card" aria-labelledby="alerts-title">
      <h2 id="alerts-title">Alerts</h2>
      <Await loaded={history} what="alert history" retry={retry}>
        {(stored) => {
          return (
            <AlertList
              alerts={mergeAlerts(stored, Object.values(bed?.alerts ?? {}), Object.values(changed))}
              caption="This patient's alerts"
              onChange={(alert) => setChanged((previous) => ({ ...previous, [alert.id]: alert }))}
            />
          );
        }}
      </Await>
    </section>
  );
}
