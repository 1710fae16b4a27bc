// The embedded NEWS2 table is the RCP 2017 chart: compared band by band with the project's
// transcription in shared/data/news2 (not shipped to users, so only the test reads it).
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  airOrOxygenScores,
  consciousnessScores,
  pulseBands,
  respirationBands,
  spo2Scale1Bands,
  spo2Scale2Bands,
  systolicBpBands,
  temperatureBands,
} from '../src/domain/news2-chart.ts';

const chartPath = resolve(import.meta.dirname, '../../../../shared/data/news2/official-rcp-news2-2017.json');
const chart = JSON.parse(readFileSync(chartPath, 'utf8')) as {
  parameters: Record<string, Array<Record<string, unknown>>>;
};

describe('embedded NEWS2 chart', () => {
  it.each([
    ['respiration_rate_per_min', respirationBands],
    ['spo2_scale1_percent', spo2Scale1Bands],
    ['spo2_scale2_percent', spo2Scale2Bands],
    ['systolic_bp_mmHg', systolicBpBands],
    ['pulse_per_min', pulseBands],
    ['temperature_celsius', temperatureBands],
  ] as const)('%s matches the RCP transcription', (name, bands) => {
    expect(bands).toEqual(chart.parameters[name]);
  });

  it('air or oxygen and ACVPU match', () => {
    const air = Object.fromEntries(
      (chart.parameters.air_or_oxygen ?? []).map((row) => [row.value, row.score]),
    );
    expect(airOrOxygenScores).toEqual(air);
    const acvpu = Object.fromEntries(
      (chart.parameters.consciousness_acvpu ?? []).map((row) => [row.value, row.score]),
    );
    expect(consciousnessScores).toEqual(acvpu);
  });

  it('the table carries the RCP acknowledgement', () => {
    const source = readFileSync(resolve(import.meta.dirname, '../src/domain/news2-chart.ts'), 'utf8');
    expect(source).toContain('© Royal College of Physicians 2017');
  });
});
