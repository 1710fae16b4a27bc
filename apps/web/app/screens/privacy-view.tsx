// Privacy-officer view: who accessed a patient's record, when, what they did and why, from the
// audit trail (FHIR AuditEvent search: entity = the patient, newest first).
import { useState } from 'preact/hooks';
import { patientAccess, readPatient } from '../api/fhir.ts';
import { Page } from '../components/page.tsx';
import { Await } from '../components/status.tsx';
import { useAsync } from '../components/use-async.ts';
import { conceptText, formatDateTime, patientName } from '../fhir/format.ts';
import type { AuditEvent } from '../fhir/types.ts';
import { usePlatform } from '../platform.ts';
import { Link, navigate } from '../router.tsx';

const actions: Record<string, string> = { C: 'Create', R: 'Read', U: 'Update', D: 'Delete', E: 'Execute' };
const outcomes: Record<string, string> = {
  '0': 'Success',
  '4': 'Minor failure',
  '8': 'Serious failure',
  '12': 'Major failure',
};

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
  const [events, retry] = useAsync(() => patientAccess(api, id), [id]);
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
      <Await loaded={events} what="the audit trail" retry={retry}>
        {(page) =>
          page.resources.length === 0 ? (
            <p class="empty">No access to this record is in the audit trail.</p>
          ) : (
            <div class="table-scroll">
              <table class="access">
                <thead>
                  <tr>
                    <th scope="col">When</th>
                    <th scope="col">Who</th>
                    <th scope="col">Action</th>
                    <th scope="col">What</th>
                    <th scope="col">Purpose</th>
                    <th scope="col">Outcome</th>
                  </tr>
                </thead>
                <tbody>
                  {page.resources.map((event) => (
                    <tr key={event.id}>
                      <td>{formatDateTime(event.recorded)}</td>
                      <td>{who(event)}</td>
                      <td>{actions[event.action ?? ''] ?? event.action ?? '—'}</td>
                      <td>{what(event)}</td>
                      <td>{event.purposeOfEvent?.map(conceptText).join(', ') || '—'}</td>
                      <td>{outcomes[event.outcome ?? ''] ?? event.outcome ?? '—'}</td>
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

function who(event: AuditEvent): string {
  const agent = event.agent?.find((candidate) => candidate.requestor) ?? event.agent?.[0];
  if (!agent) return '—';
  const name =
    agent.who?.display ?? agent.name ?? agent.who?.identifier?.value ?? agent.who?.reference ?? 'unknown';
  const role = agent.role?.map(conceptText).join(', ');
  return role ? `${name} (${role})` : name;
}

function what(event: AuditEvent): string {
  const entities = (event.entity ?? []).map((entity) => entity.what?.reference).filter(Boolean);
  const subtype = event.subtype?.map((coding) => coding.display ?? coding.code).join(', ');
  return [subtype, entities.join(', ')].filter(Boolean).join(' · ') || (event.type?.display ?? '—');
}
