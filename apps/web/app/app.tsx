// The console shell: skip link, navigation, the signed-in user, and the screen for the current
// URL. Screens that show health data wait until the session is signed in (or the platform is open).
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { isSignedOutReturn, type SessionSnapshot } from './auth/session.ts';
import { Page } from './components/page.tsx';
import { Failure, Loading } from './components/status.tsx';
import { usePlatform } from './platform.ts';
import { Link, matchRoute, navigate, usePlace } from './router.tsx';
import { AlertInbox } from './screens/alert-inbox.tsx';
import { PatientChart } from './screens/patient-chart.tsx';
import { PatientList } from './screens/patient-list.tsx';
import { PatientLive } from './screens/patient-live.tsx';
import { PrivacyView } from './screens/privacy-view.tsx';
import { SignIn, SignInCallback } from './screens/sign-in.tsx';
import { WardWall } from './screens/ward-wall.tsx';

const sections = [
  { href: '/patients', label: 'Patients' },
  { href: '/ward', label: 'Monitoring wall' },
  { href: '/alerts', label: 'Alerts' },
  { href: '/privacy', label: 'Record access' },
];

export function App() {
  const { session } = usePlatform();
  const [snapshot, setSnapshot] = useState<SessionSnapshot>(session.snapshot);
  useEffect(() => {
    // The session may have moved on between the first render and this subscription.
    setSnapshot(session.snapshot);
    return session.subscribe(setSnapshot);
  }, [session]);
  const place = usePlace();
  const here = `${place.path}${place.query.size ? `?${place.query}` : ''}`;

  let screen: ComponentChildren;
  if (place.path === '/signin/callback') screen = <SignInCallback />;
  else if (snapshot.status === 'starting') screen = <Loading what="the console" />;
  else if (snapshot.status === 'failed')
    screen = <Failure error={new Error(snapshot.message ?? 'The console could not start')} />;
  else if (snapshot.status === 'signed-out') {
    const returnTo = place.path === '/signin' ? (place.query.get('return') ?? '/patients') : here;
    const message = isSignedOutReturn(place.path, place.query) ? 'You have signed out.' : snapshot.message;
    screen = <SignIn returnTo={returnTo} message={message} />;
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
              <button type="button" onClick={() => void session.signOut()}>
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
    return <Redirect to={path === '/signin' ? (query.get('return') ?? '/patients') : '/patients'} />;
  }
  if (path === '/patients') return <PatientList query={query.get('q') ?? ''} />;
  const chart = matchRoute('/patients/:id', path);
  if (chart) return <PatientChart id={chart.id!} />;
  const live = matchRoute('/patients/:id/live', path);
  if (live) return <PatientLive id={live.id!} />;
  if (path === '/ward') return <WardWall ward={query.get('ward') ?? ''} />;
  if (path === '/alerts') return <AlertInbox ward={query.get('ward') ?? ''} />;
  if (path === '/privacy') return <PrivacyView patientId={query.get('patient') ?? ''} />;
  return (
    <Page title="Not found">
      <p>
        There is no screen at this address. <Link href="/patients">Go to the patient list</Link>.
      </p>
    </Page>
  );
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}
