// Loading, empty and failure messages, announced to screen readers where they change.
import type { ComponentChildren } from 'preact';
import type { Loaded } from './use-async.ts';

export function Loading({ what }: { what: string }) {
  return (
    <p class="status" role="status">
      Loading {what}…
    </p>
  );
}

export function Failure({ error, retry }: { error: Error; retry?: () => void }) {
  return (
    <div class="failure" role="alert">
      <p>{error.message}</p>
      {retry && (
        <button type="button" onClick={retry}>
          Try again
        </button>
      )}
    </div>
  );
}

/** Renders `children(value)` once loaded; a status line before, the failure after. */
export function Await<T>({
  loaded,
  what,
  retry,
  children,
}: {
  loaded: Loaded<T>;
  what: string;
  retry?: () => void;
  children: (value: T) => ComponentChildren;
}) {
  if (loaded.state === 'loading') return <Loading what={what} />;
  if (loaded.state === 'failed') return <Failure error={loaded.error} retry={retry} />;
  return <>{children(loaded.value)}</>;
}
