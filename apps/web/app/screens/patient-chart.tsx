// The patient chart: demographics, then encounters, conditions, medications, allergies and
// vital signs plotted over time, each section loaded by its own FHIR search.
import type { ComponentChildren } from 'preact';
import { chartQueries, readPatient } from '../api/fhir.ts';
import { Page } from '../components/page.tsx';
import { Await } from '../components/status.tsx';
import { TimeSeriesChart } from '../components/time-series-chart.tsx';
import { useAsync } from '../components/use-async.ts';
import { ageInYears, conceptText, formatDateTime, formatQuantity, patientName } from '../fhir/format.ts';
import type { Patient } from '../fhir/types.ts';
import { vitalCharts } from '../fhir/vital-series.ts';
import { usePlatform } from '../platform.ts';
import { Link } from '../router.tsx';

const lineColours = ['#0b61a4', '#a4161a', '#1d6b3a', '#6b2fa0'];

export function PatientChart({ id }: { id: string }) {
  const { api, now } = usePlatform();
  const [patient, retry] = useAsync(() => readPatient(api, id), [id]);
  const title = patient.state === 'ready' ? patientName(patient.value) : 'Patient chart';
  return (
    <Page
      title={title}
      actions={
        <>
          <Link class="button" href={`/patients/${id}/live`}>
            Live vitals
          </Link>
          <Link class="button" href={`/privacy?patient=${encodeURIComponent(id)}`}>
            Record access
          </Link>
        </>
      }
    >
      <Await loaded={patient} what="the patient" retry={retry}>
        {(value) => (
          <>
            <Demographics patient={value} today={now()} />
            <div class="chart-grid">
              <Encounters id={id} />
              <Conditions id={id} />
              <Medications id={id} />
              <Allergies id={id} />
            </div>
            <Vitals id={id} />
          </>
        )}
      </Await>
    </Page>
  );
}

function Demographics({ patient, today }: { patient: Patient; today: Date }) {
  const mrn = patient.identifier?.find((identifier) =>
    identifier.type?.coding?.some((coding) => coding.code === 'MR'),
  );
  const address = patient.address?.[0];
  const phone = patient.telecom?.find((telecom) => telecom.system === 'phone');
  return (
    <section class="card demographics" aria-labelledby="demographics-title">
      <h2 id="demographics-title">Demographics</h2>
      <dl>
        <div>
          <dt>Born</dt>
          <dd>
            {formatDateTime(patient.birthDate)}
            {ageInYears(patient.birthDate, today) !== undefined &&
              ` (${ageInYears(patient.birthDate, today)} years)`}
          </dd>
        </div>
        <div>
          <dt>Sex</dt>
          <dd>{patient.gender ?? '—'}</dd>
        </div>
        <div>
          <dt>Medical record number</dt>
          <dd>{mrn?.value ?? '—'}</dd>
        </div>
        <div>
          <dt>Phone</dt>
          <dd>{phone?.value ?? '—'}</dd>
        </div>
        <div>
          <dt>Address</dt>
          <dd>
            {address
              ? [...(address.line ?? []), address.city, address.state, address.postalCode]
                  .filter(Boolean)
                  .join(', ')
              : '—'}
          </dd>
        </div>
        {(patient.deceasedBoolean || patient.deceasedDateTime) && (
          <div>
            <dt>Deceased</dt>
            <dd>{patient.deceasedDateTime ? formatDateTime(patient.deceasedDateTime) : 'yes'}</dd>
          </div>
        )}
      </dl>
    </section>
  );
}

function Section<T>({
  title,
  slug,
  load,
  id,
  columns,
  row,
}: {
  title: string;
  slug: string;
  load: (id: string) => Promise<{ resources: T[]; total?: number }>;
  id: string;
  columns: string[];
  row: (item: T) => ComponentChildren[];
}) {
  const [loaded, retry] = useAsync(() => load(id), [id]);
  return (
    <section class="card" aria-labelledby={`${slug}-title`}>
      <h2 id={`${slug}-title`}>{title}</h2>
      <Await loaded={loaded} what={title.toLowerCase()} retry={retry}>
        {(page) =>
          page.resources.length === 0 ? (
            <p class="empty">None recorded.</p>
          ) : (
            <div class="table-scroll">
              <table>
                <thead>
                  <tr>
                    {columns.map((column) => (
                      <th scope="col" key={column}>
                        {column}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {page.resources.map((item, index) => (
                    <tr key={index}>
                      {row(item).map((cell, cellIndex) => (
                        <td key={cellIndex}>{cell}</td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </Await>
    </section>
  );
}

function Encounters({ id }: { id: string }) {
  const { api } = usePlatform();
  return (
    <Section
      title="Encounters"
      slug="encounters"
      id={id}
      load={(patient) => chartQueries.encounters(api, patient)}
      columns={['When', 'Type', 'Class', 'Status']}
      row={(encounter) => [
        formatDateTime(encounter.period?.start),
        conceptText(encounter.type?.[0]),
        encounter.class?.display ?? encounter.class?.code ?? '—',
        encounter.status ?? '—',
      ]}
    />
  );
}

function Conditions({ id }: { id: string }) {
  const { api } = usePlatform();
  return (
    <Section
      title="Conditions"
      slug="conditions"
      id={id}
      load={(patient) => chartQueries.conditions(api, patient)}
      columns={['Condition', 'Status', 'Onset']}
      row={(condition) => [
        conceptText(condition.code),
        conceptText(condition.clinicalStatus),
        formatDateTime(condition.onsetDateTime ?? condition.recordedDate),
      ]}
    />
  );
}

function Medications({ id }: { id: string }) {
  const { api } = usePlatform();
  return (
    <Section
      title="Medications"
      slug="medications"
      id={id}
      load={(patient) => chartQueries.medications(api, patient)}
      columns={['Medication', 'Status', 'Prescribed']}
      row={(request) => [
        request.medicationCodeableConcept
          ? conceptText(request.medicationCodeableConcept)
          : (request.medicationReference?.display ?? '—'),
        request.status ?? '—',
        formatDateTime(request.authoredOn),
      ]}
    />
  );
}

function Allergies({ id }: { id: string }) {
  const { api } = usePlatform();
  return (
    <Section
      title="Allergies"
      slug="allergies"
      id={id}
      load={(patient) => chartQueries.allergies(api, patient)}
      columns={['Substance', 'Criticality', 'Reaction']}
      row={(allergy) => [
        conceptText(allergy.code),
        allergy.criticality ?? '—',
        allergy.reaction
          ?.flatMap((reaction) => reaction.manifestation ?? [])
          .map(conceptText)
          .join(', ') || '—',
      ]}
    />
  );
}

function Vitals({ id }: { id: string }) {
  const { api } = usePlatform();
  const [loaded, retry] = useAsync(() => chartQueries.vitalSigns(api, id), [id]);
  return (
    <section class="card" aria-labelledby="vitals-title">
      <h2 id="vitals-title">Vital signs over time</h2>
      <Await loaded={loaded} what="vital signs" retry={retry}>
        {(page) => {
          const charts = vitalCharts(page.resources);
          if (charts.length === 0) return <p class="empty">No vital signs recorded.</p>;
          return (
            <>
              <div class="plots">
                {charts.map((chart) => (
                  <TimeSeriesChart
                    key={chart.key}
                    title={`${chart.title} (${chart.unit})`}
                    times={chart.times}
                    series={chart.lines.map((line, index) => ({
                      label: line.label,
                      unit: chart.unit,
                      colour: lineColours[index % lineColours.length]!,
                      values: line.values,
                    }))}
                  />
                ))}
              </div>
              <details>
                <summary>Latest readings as a table</summary>
                <table>
                  <thead>
                    <tr>
                      <th scope="col">When</th>
                      <th scope="col">Measure</th>
                      <th scope="col">Value</th>
                    </tr>
                  </thead>
                  <tbody>
                    {page.resources.slice(0, 20).map((observation) => (
                      <tr key={observation.id}>
                        <td>{formatDateTime(observation.effectiveDateTime)}</td>
                        <td>{conceptText(observation.code)}</td>
                        <td>
                          {observation.valueQuantity
                            ? formatQuantity(observation.valueQuantity)
                            : (observation.component ?? [])
                                .map((part) => formatQuantity(part.valueQuantity))
                                .join(' / ')}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </details>
            </>
          );
        }}
      </Await>
    </section>
  );
}
