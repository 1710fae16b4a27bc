// Sign-in: one button that starts the OpenID Connect authorization-code + PKCE redirect, and the
// callback screen that finishes it and returns the user to where they were going.
import { useEffect, useState } from 'preact/hooks';
import { Page } from '../components/page.tsx';
import { Failure } from '../components/status.tsx';
import { usePlatform } from '../platform.ts';
import { navigate } from '../router.tsx';

export function SignIn({ returnTo, message }: { returnTo: string; message?: string }) {
  const { session } = usePlatform();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const start = async () => {
    setBusy(true);
    try {
      await session.signIn(returnTo);
    } catch (failure) {
      setError(failure as Error);
      setBusy(false);
    }
  };
  return (
    <Page title="Sign in">
      <div class="sign-in card">
        <p>Sign in with your HealthLane account to see patients, the ward and alerts.</p>
        {message && (
          <p class="notice" role="status">
            {message}
          </p>
        )}
        <button type="button" class="primary" onClick={start} disabled={busy}>
          {busy ? 'Opening sign-in…' : 'Sign in'}
        </button>
        {error && <Failure error={error} />}
      </div>
    </Page>
  );
}

export function SignInCallback() {
  const { session } = usePlatform();
  const [error, setError] = useState<Error>();
  useEffect(() => {
    session.completeSignIn(location.search).then(
      (returnTo) => navigate(returnTo, { replace: true }),
      (failure: Error) => setError(failure),
    );
  }, [session]);
  return (
    <Page title="Signing in">
      {error ? (
        <>
          <Failure error={error} />
          <p>
            <a href="/signin">Start sign-in again</a>
          </p>
        </>
      ) : (
        <p role="status">Finishing sign-in…</p>
      )}
    </Page>
  );
}
