// Live fan-out: subscribers per patient and per ward receive each frame (latest vitals, NEWS2,
// alerts) as it happens. A slow subscriber is dropped rather than allowed to hold memory or others back.
export type LiveFrame =
  | {
      type: 'vitals';
      patient: string;
      samples: Array<{ kind: string; time: string; value: number; state?: string }>;
    }
  | { type: 'news2'; patient: string; [key: string]: unknown }
  | { type: 'alert'; patient: string; [key: string]: unknown };

export interface LiveSubscriber {
  send(frame: string): void;
  /** Bytes queued but not yet written to the socket. */
  buffered(): number;
  close(reason: string): void;
}

export interface LiveHub {
  subscribePatient(patientId: string, subscriber: LiveSubscriber): () => void;
  subscribeWard(wardId: string, subscriber: LiveSubscriber): () => void;
  publish(frame: LiveFrame, wardId: string | undefined): void;
  hasSubscribers(patientId: string, wardId: string | undefined): boolean;
  count(): number;
}

export function createLiveHub(options: { maxBufferedBytes: number }): LiveHub {
  const byPatient = new Map<string, Set<LiveSubscriber>>();
  const byWard = new Map<string, Set<LiveSubscriber>>();

  function add(map: Map<string, Set<LiveSubscriber>>, key: string, subscriber: LiveSubscriber): () => void {
    let set = map.get(key);
    if (!set) {
      set = new Set();
      map.set(key, set);
    }
    set.add(subscriber);
    return () => {
      set.delete(subscriber);
      if (set.size === 0) map.delete(key);
    };
  }

  function deliver(set: Set<LiveSubscriber> | undefined, text: string): void {
    if (!set) return;
    for (const subscriber of set) {
      if (subscriber.buffered() > options.maxBufferedBytes) {
        set.delete(subscriber);
        subscriber.close('subscriber too slow');
        continue;
      }
      subscriber.send(text);
    }
  }

  return {
    subscribePatient: (patientId, subscriber) => add(byPatient, patientId, subscriber),
    subscribeWard: (wardId, subscriber) => add(byWard, wardId, subscriber),
    publish(frame, wardId) {
      const patientSet = byPatient.get(frame.patient);
      const wardSet = wardId === undefined ? undefined : byWard.get(wardId);
      if (!patientSet && !wardSet) return;
      const text = JSON.stringify(frame);
      deliver(patientSet, text);
      deliver(wardSet, text);
    },
    hasSubscribers: (patientId, wardId) =>
      byPatient.has(patientId) || (wardId !== undefined && byWard.has(wardId)),
    count() {
      let n = 0;
      for (const set of byPatient.values()) n += set.size;
      for (const set of byWard.values()) n += set.size;
      return n;
    },
  };
}
