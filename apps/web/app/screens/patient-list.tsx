// Patient list: search by name (FHIR `Patient?name=`), results in a table; the search text lives
// in the URL (?q=) so the back button and a shared link keep it.
import { useState } from 'preact/hooks';
import { findPatients } from '../api/fhir.ts';
import { Page } from '../components/page.tsx';
import { Await } from '../components/status.tsx';
import { useAsync } from '../components/use-async.ts';
import { ageInYears, formatDateTime, patientName } from '../fhir/format.ts';
import { usePlatform } from '../platform.ts';
import { Link, navigate } from '../router.tsx';

export function PatientList({ query }: { query: string }) {
  const { api, now } = usePlatform();
  const [text, setText] = useState(query);
  const [loaded, retry] = useAsync(() => findPatients(api, query), [query]);
  const submit = (event: Event) => {
    event.preventDefault();
    const trimmed = text.trim();
    navigate(trimmed ? `/patients?q=${encodeURIComponent(trimmed)}` : '/patients');
  };
  return (
    <Page title="Patients">
      <search>
        <form class="search" onSubmit={submit}>
          <label for="patient-search">Find a patient by name</label>
          <div class="search-row">
            <input
              id="patient-search"
              type="search"
              value={text}
              autoComplete="off"
              placeholder="Family or given name"
              onInput={(event) => setText((event.target as HTMLInputElement).value)}
            />
            <button type="submit" class="primary">
              Search
            </button>
          </div>
        </form>
      </search>
      <Await loaded={loaded} what="patients" retry={retry}>
        {(page) =>
          page.resources.length === 0 ? (
            <p role="status">{query ? `No patient matches “${query}”.` : 'No patients yet.'}</p>
          ) : (
            <>
              <p class="count" role="status">
                {page.total !== undefined ? `${page.total} found` : `${page.resources.length} shown`}
                {page.total !== undefined && page.total > page.resources.length
                  ? `, first ${page.resources.length} shown`
                  : ''}
              </p>
              <table class="patients">
                <caption class="visually-hidden">Patients matching the search</caption>
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Born</th>
                    <th scope="col">Age</th>
                    <th scope="col">Sex</th>
                    <th scope="col">Live</th>
                  </tr>
                </thead>
                <tbody>
                  {page.resources.map((patient) => (
                    <tr key={patient.id}>
                      <th scope="row">
                        <Link href={`/patients/${patient.id}`}>{patientName(patient)}</Link>
                      </th>
                      <td>{formatDateTime(patient.birthDate)}</td>
                      <td>{ageInYears(patient.birthDate, now()) ?? '—'}</td>
                      <td>{patient.gender ?? '—'}</td>
                      <td>
                        <Link
                          href={`/patients/${patient.id}/live`}
                          aria-label={`Live vitals of ${patientName(patient)}`}
                        >
                          Live vitals
                        </Link>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )
        }
      </Await>
    </Page>
  );
}
