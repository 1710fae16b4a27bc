// Loads data for a screen: re-runs when its inputs change, ignores answers that arrive after the
// inputs moved on, and exposes loading / error / value for the screen to render.
import { type Inputs, useEffect, useState } from 'preact/hooks';

export type Loaded<T> =
  | { state: 'loading' }
  | { state: 'failed'; error: Error }
  | { state: 'ready'; value: T };

export function useAsync<T>(load: () => Promise<T>, inputs: Inputs): [Loaded<T>, () => void] {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setLoaded((previous) => (previous.state === 'ready' ? previous : { state: 'loading' }));
    load().then(
      (value) => current && setLoaded({ state: 'ready', value }),
      (error: unknown) =>
        current &&
        setLoaded({ state: 'failed', error: error instanceof Error ? error : new Error(String(error)) }),
    );
    return () => {
      current = false;
    };
  }, [...inputs, round]);
  return [loaded, () => setRound((value) => value + 1)];
}
