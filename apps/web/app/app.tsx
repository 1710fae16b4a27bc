// The console shell: skip link, navigation, the signed-in user, and the screen for the current
// URL. Screens that show health data wait until the session is signed in (or the platform is open).
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { SessionSnapshot } from './auth/session.ts';
import { Page } from './components/page.tsx';
import { Failure, Loading } from './components/status.tsx';
import { usePlatform } from './platform.ts';
import { Link, matchRoute, navigate, usePlace } from './router.tsx';
import { PatientChart } from './screens/patient-chart.tsx';
import { PatientList } from './screens/patient-list.tsx';
import { PrivacyView } from './screens/privacy-view.tsx';
import { SignIn, SignInCallback } from './screens/sign-in.tsx';

const sections = [
  { href: '/patients', label: 'Patients' },
  { href: '/ward', label: 'Monitoring wall' },
  { href: '/alerts', label: 'Alerts' },
  { href: '/privacy', label: 'Record access' },
];

export function App() {
  const { session } = usePlatform();
  const [snapshot, setSnapshot] = useState<SessionSnapshot>(session.snapshot);
  useEffect(() => session.subscribe(setSnapshot), [session]);
  const place = usePlace();
  const here = `${place.path}${place.query.size ? `?${place.query}` : ''}`;

  let screen: ComponentChildren;
  if (place.path === '/auth/callback') screen = <SignInCallback />;
  else if (snapshot.status === 'starting') screen = <Loading what="the console" />;
  else if (snapshot.status === 'failed')
    screen = <Failure error={new Error(snapshot.message ?? 'The console could not start')} />;
  else if (snapshot.status === 'signed-out') {
    const returnTo = place.path === '/signin' ? (place.query.get('return') ?? '/patients') : here;
    screen = <SignIn returnTo={returnTo} message={snapshot.message} />;
  } else screen = route(place.path, place.query);

  const signedIn = snapshot.status === 'signed-in' || snapshot.status === 'open';
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="top-bar">
        <Link href="/patients" class="brand">
          HealthLane
        </Link>
        {signedIn && (
          <nav aria-label="Console sections">
            <ul>
              {sections.map((section) => (
                <li key={section.href}>
                  <Link
                    href={section.href}
                    aria-current={
                      place.path === section.href || place.path.startsWith(`${section.href}/`)
                        ? 'page'
                        : undefined
                    }
                  >
                    {section.label}
                  </Link>
                </li>
              ))}
            </ul>
          </nav>
        )}
        <div class="user">
          {snapshot.status === 'signed-in' && (
            <>
              <span class="user-name">{snapshot.user?.name}</span>
              <button type="button" onClick={() => session.signOut()}>
                Sign out
              </button>
            </>
          )}
          {snapshot.status === 'open' && (
            <span class="open-mode" title="This platform runs no identity service, so its API is open">
              No sign-in on this platform
            </span>
          )}
        </div>
      </header>
      <main id="main">{screen}</main>
    </>
  );
}

function route(path: string, query: URLSearchParams): ComponentChildren {
  if (path === '/' || path === '/signin') {
    navigate(path === '/signin' ? (query.get('return') ?? '/patients') : '/patients', { replace: true });
    return null;
  }
  if (path === '/patients') return <PatientList query={query.get('q') ?? ''} />;
  const params = matchRoute('/patients/:id', path);
  if (params) return <PatientChart id={params.id!} />;
  // MONITORING-SCREENS
  if (path === '/privacy') return <PrivacyView patientId={query.get('patient') ?? ''} />;
  return (
    <Page title="Not found">
      <p>
        There is no screen at this address. <Link href="/patients">Go to the patient list</Link>.
      </p>
    </Page>
  );
}
