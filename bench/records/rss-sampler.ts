// Samples a server's resident memory while a load run is going on and keeps the peak, because the
// figure after the run misses what the run itself needed.
export interface RssSampler {
  /** Stops sampling and returns the peak RSS seen, in MiB. */
  stop(): Promise<number>;
}

export function sampleRss(read: () => Promise<number>, everyMs = 250): RssSampler {
  let peak = 0;
  let pending: Promise<void> = Promise.resolve();
  const take = () => {
    pending = read().then(
      (mib) => {
        peak = Math.max(peak, mib);
      },
      () => {}, // the process may be gone; the run's own figures say so
    );
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      take();
      await pending;
      return peak;
    },
  };
}
