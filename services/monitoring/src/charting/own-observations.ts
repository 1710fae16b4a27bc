// The ids of Observations monitoring itself just charted to records, so that their
// `fhir.Observation.created` events are skipped without reading each one back from records (a read,
// and its audit, per charted vital). Bounded: the oldest ids go first. An event that arrives before
// its id is known is still recognised by reading it (origin tag), only more slowly.
export interface OwnObservations {
  add(id: string): void;
  /** True (once) when `id` is one monitoring charted. */
  take(id: string): boolean;
  size(): number;
}

export function createOwnObservations(capacity: number): OwnObservations {
  const ids = new Set<string>();
  return {
    add(id) {
      ids.add(id);
      if (ids.size > capacity) {
        const oldest = ids.values().next().value;
        if (oldest !== undefined) ids.delete(oldest);
      }
    },
    take: (id) => ids.delete(id),
    size: () => ids.size,
  };
}
