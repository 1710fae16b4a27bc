// Reading a Bundle's entries (pure): url forms, the entry limit, per-entry faults kept in place.
import { Problem } from '@healthlane/kit';
import { describe, expect, it } from 'vitest';
import { parseBundle, parseEntryUrl } from '../src/bundle/bundle-request.ts';
import { returnPreference } from '../src/bundle/response-bundle.ts';

const base = 'http://localhost:8080/fhir/R4';

describe('parseEntryUrl', () => {
  it.each([
    ['Patient', { type: 'Patient' }],
    ['/Patient/123', { type: 'Patient', id: '123' }],
    ['Patient/123/_history/2', { type: 'Patient', id: '123', versionId: '2' }],
    ['Patient?identifier=http://x|1', { type: 'Patient', criteria: 'identifier=http://x|1' }],
    [`${base}/Observation/a.b-c`, { type: 'Observation', id: 'a.b-c' }],
  ])('reads %s', (url, target) => {
    expect(parseEntryUrl(url, base)).toEqual(target);
  });

  it.each([
    'http://elsewhere.org/fhir/Patient/1',
    'patient/1',
    'Patient/1/2',
    'Patient/1/_history',
    'Patient/1?x=y',
    'Patient/a$b',
  ])('refuses %s', (url) => {
    expect(parseEntryUrl(url, base)).toBeUndefined();
  });
});

describe('parseBundle', () => {
  const entry = { resource: { resourceType: 'Patient' }, request: { method: 'POST', url: 'Patient' } };

  it('refuses more entries than the limit with 413', () => {
    const bundle = { resourceType: 'Bundle', type: 'batch', entry: [entry, entry, entry] };
    expect(() => parseBundle(bundle, base, 2)).toThrow(
      expect.objectContaining({ status: 413 }) as unknown as Error,
    );
    expect(parseBundle(bundle, base, 3).entries).toHaveLength(3);
  });

  it('keeps each faulty entry in place as a Problem naming its element', () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'batch',
      entry: [
        entry,
        { request: { method: 'PUT', url: 'Patient' } },
        { resource: {}, request: { method: 'DELETE', url: 'Patient' } },
      ],
    };
    const [ok, noResource, noCriteria] = parseBundle(bundle, base, 10).entries;
    expect(ok).not.toBeInstanceOf(Problem);
    expect((noResource as Problem).issues[0]?.expression).toEqual(['Bundle.entry[1]']);
    expect((noCriteria as Problem).issues[0]?.expression).toEqual(['Bundle.entry[2].request.url']);
  });

  it('strips W/"..." from ifMatch', () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'transaction',
      entry: [
        {
          resource: { resourceType: 'Patient', id: 'p' },
          request: { method: 'PUT', url: 'Patient/p', ifMatch: 'W/"3"' },
        },
      ],
    };
    expect(parseBundle(bundle, base, 10).entries[0]).toMatchObject({ ifMatch: '3' });
  });
});

describe('returnPreference', () => {
  it('reads return= from Prefer, representation by default', () => {
    expect(returnPreference(undefined)).toBe('representation');
    expect(returnPreference('respond-async, return=minimal')).toBe('minimal');
    expect(returnPreference('return=OperationOutcome')).toBe('OperationOutcome');
    expect(returnPreference('return=bogus')).toBe('representation');
  });
});
