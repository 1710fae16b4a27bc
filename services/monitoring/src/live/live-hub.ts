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
  /** Whether this subscriber may receive frames about a patient (ward streams); all when absent. */
  accepts?(patientId: string): boolean;
}

export interface LiveHub {
  subscribePatient(patientId: string, subscriber: LiveSubscriber): () => void;
  subscribeWard(wardId: string, subscriber: LiveSubscriber): () => void;
  /** Sends the frame to the patient's and the ward's subscribers; answers how many it was written to. */
  publish(frame: LiveFrame, wardId: string | undefined): number;
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

  function deliver(set: Set<LiveSubscriber> | undefined, text: string, patientId: string): number {
    if (!set) return 0;
    let sent = 0;
    for (const subscriber of set) {
      if (subscriber.accepts !== undefined && !subscriber.accepts(patientId)) continue;
      if (subscriber.buffered() > options.maxBufferedBytes) {
        set.delete(subscriber);
        subscriber.close('subscriber too slow');
        continue;
      }
      subscriber.send(text);
      sent += 1;
    }
    return sent;
  }

  return {
    subscribePatient: (patientId, subscriber) => add(byPatient, patientId, subscriber),
    subscribeWard: (wardId, subscriber) => add(byWard, wardId, subscriber),
    publish(frame, wardId) {
      const patientSet = byPatient.get(frame.patient);
      const wardSet = wardId === undefined ? undefined : byWard.get(wardId);
      if (!patientSet && !wardSet) return 0;
      const text = JSON.stringify(frame);
      return deliver(patientSet, text, frame.patient) + deliver(wardSet, text, frame.patient);
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
