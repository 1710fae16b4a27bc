// Simulated bedside vitals: what each bed's monitor reports at a moment of a scenario. Pure and
// seeded, so a run is reproducible: stable, sepsis-like slow deterioration, sudden hypoxia,
// device dropout, and garbage input (invalid samples and malformed messages mixed in).
export const scenarios = ['stable', 'sepsis', 'hypoxia', 'dropout', 'garbage'] as const;
export type Scenario = (typeof scenarios)[number];

export interface Vitals {
  rr: number;
  spo2: number;
  sbp: number;
  dbp: number;
  hr: number;
  temp: number;
  acvpu: 'A' | 'C' | 'V' | 'P' | 'U';
  onOxygen: boolean;
}

/** What one bed sends at one tick: a payload object, raw text (garbage), or nothing (silent). */
export type Reading =
  | { kind: 'payload'; body: Record<string, unknown> }
  | { kind: 'raw'; text: string }
  | { kind: 'silent' };

/** Small deterministic PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const lerp = (from: number, to: number, f: number) => from + (to - from) * Math.min(1, Math.max(0, f));
const round1 = (v: number) => Math.round(v * 10) / 10;

function baseline(random: () => number): Vitals {
  return {
    rr: Math.round(14 + random() * 4),
    spo2: Math.round(96 + random() * 3),
    sbp: Math.round(118 + random() * 14),
    dbp: Math.round(72 + random() * 10),
    hr: Math.round(64 + random() * 16),
    temp: round1(36.5 + random() * 0.8),
    acvpu: 'A',
    onOxygen: false,
  };
}

/** Vitals of bed `bed` at `progress` (0 at the start of the run, 1 at its end). */
export function vitalsFor(scenario: Scenario, bed: number, progress: number, random: () => number): Vitals {
  const v = baseline(random);
  if (scenario === 'sepsis') {
    // Beds deteriorate one after another over the run, each over the second half of its window.
    const f = (progress - 0.1) / 0.8;
    return {
      rr: Math.round(lerp(v.rr, 27, f)),
      spo2: Math.round(lerp(v.spo2, 93, f)),
      sbp: Math.round(lerp(v.sbp, 92, f)),
      dbp: Math.round(lerp(v.dbp, 55, f)),
      hr: Math.round(lerp(v.hr, 128, f)),
      temp: round1(lerp(v.temp, 39.3, f)),
      acvpu: f > 0.85 ? 'C' : 'A',
      onOxygen: f > 0.6,
    };
  }
  if (scenario === 'hypoxia' && progress >= 0.3 + (bed % 5) * 0.05) {
    return {
      ...v,
      spo2: Math.round(82 + random() * 4),
      rr: Math.round(28 + random() * 4),
      hr: Math.round(118 + random() * 10),
    };
  }
  return v;
}

export function vitalsPayload(device: string, timeMs: number, v: Vitals): Record<string, unknown> {
  const time = new Date(timeMs).toISOString();
  return {
    device,
    samples: [
      { code: '9279-1', time, value: v.rr },
      { code: '59408-5', time, value: v.spo2 },
      { code: '8480-6', time, value: v.sbp },
      { code: '8462-4', time, value: v.dbp },
      { code: '8867-4', time, value: v.hr },
      { code: '8310-5', time, value: v.temp },
      { code: '1104441000000107', time, value: v.acvpu },
      { code: v.onOxygen ? '371825009' : '722742002', time },
    ],
  };
}

const garbageSamples = (time: string): unknown[] => [
  { code: '8867-4', time, value: 'fast' },
  { code: '0000-0', time, value: 12 },
  { code: '8310-5', time, value: 451 },
  { code: '59408-5', time: 'yesterday', value: 97 },
  { code: '1104441000000107', time, value: 'Q' },
  { code: '8867-4', time, value: null },
  42,
];

/** What bed `bed` sends at `timeMs` in `scenario`. */
export function readingFor(
  scenario: Scenario,
  device: string,
  bed: number,
  timeMs: number,
  progress: number,
  random: () => number,
): Reading {
  if (scenario === 'dropout' && bed % 3 === 0 && progress >= 0.2 && progress < 0.7) return { kind: 'silent' };
  const body = vitalsPayload(device, timeMs, vitalsFor(scenario, bed, progress, random));
  if (scenario === 'garbage') {
    const roll = random();
    if (roll < 0.1) return { kind: 'raw', text: '{"device": "broken' };
    if (roll < 0.4) {
      const samples = body.samples as unknown[];
      samples.push(...garbageSamples(new Date(timeMs).toISOString()));
    }
  }
  return { kind: 'payload', body };
}
