// The privacy canary can fail: its scanner finds a planted value in every form it could leak in,
// and stays quiet on text without it.
import { describe, expect, it } from 'vitest';
import { canaryForms, scanForCanaries } from './support/privacy-canary.ts';

const canaries = [
  { label: 'family name', value: 'Zqxcanaryfam' },
  { label: 'MRN', value: 'MRN-CANARY-77415' },
  { label: 'bearer token', value: 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJlLWNhbmFyeQ' },
];

describe('privacy canary scanner', () => {
  it('finds a value planted in a log line, a query string, a header and a JSON body', () => {
    const cases: [string, string, string][] = [
      ['stdout', '{"level":20,"msg":"found Zqxcanaryfam"}', 'as typed'],
      ['stdout', '{"url":"/fhir/R4/Patient?identifier=MRN-CANARY-77415"}', 'as typed'],
      ['metrics', 'http_requests_total{q="name%3DZqxcanaryfam"} 1', 'as typed'],
      ['error body', `{"diagnostics":"${Buffer.from('MRN-CANARY-77415').toString('base64')}"}`, 'base64'],
      ['span', 'attributes: signature c2lnbmF0dXJlLWNhbmFyeQ only', 'JWT signature'],
    ];
    for (const [source, text, form] of cases) {
      const hits = scanForCanaries(source, text, canaries);
      expect(hits.length, text).toBeGreaterThan(0);
      expect(hits.map((hit) => hit.form)).toContain(form);
      expect(hits[0]!.source).toBe(source);
      // The report masks the value itself.
      for (const hit of hits) expect(hit.context).not.toContain('Zqxcanaryfam');
    }
    const encoded = scanForCanaries('query', `family=${encodeURIComponent('Zqx canary/fam')}`, [
      { label: 'spaced', value: 'Zqx canary/fam' },
    ]);
    expect(encoded.map((hit) => hit.form)).toContain('url-encoded');
  });

  it('finds nothing where no canary is', () => {
    expect(
      scanForCanaries('stdout', '{"level":30,"msg":"request completed","statusCode":200}', canaries),
    ).toEqual([]);
  });

  it('searches no form short enough to match by chance', () => {
    expect(canaryForms('abc')).toEqual([]);
    for (const { text } of canaryForms('Zqxcanaryfam')) expect(text.length).toBeGreaterThanOrEqual(6);
  });
});
