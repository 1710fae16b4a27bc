// Privacy-officer view: who accessed a patient's record, when, what they did and why, from the
// audit service's access report over the AuditEvent trail, newest first.
import { useState } from 'preact/hooks';
import { type AccessLine, accessReport } from '../api/audit.ts';
import { readPatient } from '../api/fhir.ts';
import { Page } from '../components/page.tsx';
import { Await } from '../components/status.tsx';
import { useAsync } from '../components/use-async.ts';
import { formatDateTime, patientName } from '../fhir/format.ts';
import { usePlatform } from '../platform.ts';
import { Link, navigate } from '../router.tsx';

const actions: Record<string, string> = { C: 'Create', R: 'Read', U: 'Update', D: 'Delete', E: 'Execute' };

export function PrivacyView({ patientId }: { patientId: string }) {
  const [text, setText] = useState(patientId);
  const submit = (event: Event) => {
    event.preventDefault();
    const id = text.trim();
    navigate(id ? `/privacy?patient=${encodeURIComponent(id)}` : '/privacy');
  };
  return (
    <Page title="Record access">
      <form class="search" onSubmit={submit}>
        <label for="privacy-patient">Patient id</label>
        <div class="search-row">
          <input
            id="privacy-patient"
            value={text}
            autoComplete="off"
            onInput={(event) => setText((event.target as HTMLInputElement).value)}
          />
          <button type="submit" class="primary">
            Show access
          </button>
        </div>
      </form>
      {patientId ? (
        <AccessReport id={patientId} />
      ) : (
        <p>Enter a patient id, or open “Record access” from a patient’s chart.</p>
      )}
    </Page>
  );
}

function AccessReport({ id }: { id: string }) {
  const { api } = usePlatform();
  const [patient] = useAsync(() => readPatient(api, id), [id]);
  const [report, retry] = useAsync(() => accessReport(api, id), [id]);
  return (
    <section class="card" aria-labelledby="access-title">
      <h2 id="access-title">
        Who accessed{' '}
        {patient.state === 'ready' ? (
          <Link href={`/patients/${id}`}>{patientName(patient.value)}</Link>
        ) : (
          'this record'
        )}
      </h2>
      <Await loaded={report} what="the audit trail" retry={retry}>
        {(value) =>
          value.accesses.length === 0 ? (
            <p class="empty">No access to this record is in the audit trail.</p>
          ) : (
            <div class="table-scroll">
              <table class="access">
                <caption class="visually-hidden">Accesses to this record, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Who</th>
                    <th scope="col">Action</th>
                    <th scope="col">What</th>
                    <th scope="col">Purpose</th>
                    <th scope="col">From</th>
                    <th scope="col">Outcome</th>
                  </tr>
                </thead>
                <tbody>
                  {value.accesses.map((line, index) => (
                    <tr key={line.event ?? index}>
                      <td>{formatDateTime(line.recorded)}</td>
                      <td>{who(line)}</td>
                      <td>{actions[line.action ?? ''] ?? line.action ?? '—'}</td>
                      <td>{[line.interaction, ...line.resources].filter(Boolean).join(' · ') || '—'}</td>
                      <td>{line.purposeOfUse.join(', ') || '—'}</td>
                      <td>{[line.service, line.address].filter(Boolean).join(' · ') || '—'}</td>
                      <td class={line.outcome === 'failure' ? 'outcome-failure' : undefined}>
                        {line.outcome === 'failure' ? 'Refused or failed' : 'Success'}
                      </td>
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

function who(line: AccessLine): string {
  const name = line.user?.name ?? line.user?.id ?? (line.client ? `client ${line.client}` : 'unknown');
  return line.roles.length ? `${name} (${line.roles.join(', ')})` : name;
}
