// The records configuration: defaults, the demo switch, and clear refusals of bad values.
import { describe, expect, it } from 'vitest';
import { recordsConfigSchema } from '../src/config.ts';

describe('recordsConfigSchema', () => {
  it('has defaults for everything', () => {
    expect(recordsConfigSchema.parse({})).toEqual({
      demo: true,
      historyDefaultCount: 50,
      historyMaxCount: 1000,
      maxJsonDepth: 64,
      search: { defaultCount: 20, maxCount: 1000, totalBound: 10_000 },
      access: {
        auth: true,
        publicUrl: 'http://localhost:8080',
        issuer: 'http://localhost:8080/auth',
        fhirBaseUrl: 'http://localhost:8080/fhir/R4',
      },
    });
  });

  it('turns the demo off with 0 and reads the limits', () => {
    expect(
      recordsConfigSchema.parse({
        HEALTHLANE_DEMO: '0',
        RECORDS_HISTORY_DEFAULT_COUNT: '10',
        RECORDS_HISTORY_MAX_COUNT: '20',
        RECORDS_MAX_JSON_DEPTH: '32',
      }),
    ).toMatchObject({ demo: false, historyDefaultCount: 10, historyMaxCount: 20, maxJsonDepth: 32 });
  });

  it('refuses bad values, naming the variable and the rule', () => {
    const result = recordsConfigSchema.safeParse({ HEALTHLANE_DEMO: 'maybe', RECORDS_MAX_JSON_DEPTH: '0' });
    expect(result.success).toBe(false);
    const paths = result.error!.issues.map((issue) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['HEALTHLANE_DEMO', 'RECORDS_MAX_JSON_DEPTH']));
    expect(
      recordsConfigSchema.safeParse({ RECORDS_HISTORY_DEFAULT_COUNT: '30', RECORDS_HISTORY_MAX_COUNT: '20' })
        .success,
    ).toBe(false);
  });
});
