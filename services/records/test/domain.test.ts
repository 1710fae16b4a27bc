// The pure pieces: conditional criteria parsing, ETag/If-Match, Prefer, body shape checks and content equality.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseCriteria } from '../src/domain/criteria.ts';
import { formatETag, parseIfMatch } from '../src/domain/etag.ts';
import { parseReturnPreference } from '../src/domain/prefer.ts';
import { exceedsDepth, requireResource, sameContent, stampVersion } from '../src/domain/resource-body.ts';

describe('parseCriteria', () => {
  it('accepts any search parameter of the type, with escapes', () => {
    expect(parseCriteria('Patient', 'identifier=http://x|1,|2,3,sys|&_id=a').query).toBe(
      'identifier=http://x|1,|2,3,sys|&_id=a',
    );
    expect(() => parseCriteria('Patient', 'identifier=a\\|b')).not.toThrow();
    expect(() => parseCriteria('Patient', 'name=smith&birthdate=ge2000')).not.toThrow();
    expect(() => parseCriteria('Observation', 'subject:Patient.identifier=urn:mrn|1')).not.toThrow();
  });

  it('normalizes order so the same criteria lock the same key', () => {
    expect(parseCriteria('Patient', '_id=b,a&identifier=s|1&_format=json').normalized).toBe(
      parseCriteria('Patient', 'identifier=s%7C1&_id=a,b').normalized,
    );
    expect(parseCriteria('Patient', 'identifier=s|1').normalized).not.toBe(
      parseCriteria('Patient', 'identifier=s|2').normalized,
    );
  });

  it('refuses unknown, empty, malformed and result-shaping criteria', () => {
    for (const query of [
      '',
      'nickname=x',
      'identifier:nonsense=a',
      'identifier=',
      'identifier=|',
      '_format=json',
      'identifier=a|b|c',
      'birthdate=notadate',
      '_count=1',
    ]) {
      expect(() => parseCriteria('Patient', query), query).toThrow(
        expect.objectContaining({ kind: 'invalid' }),
      );
    }
  });

  it('never throws anything but a Problem on arbitrary input (property)', () => {
    fc.assert(
      fc.property(fc.string(), (query) => {
        try {
          parseCriteria('Patient', query);
        } catch (error) {
          expect((error as { kind?: string }).kind).toBe('invalid');
        }
      }),
    );
  });
});

describe('ETag and Prefer', () => {
  it('formats weak ETags and reads If-Match in both forms', () => {
    expect(formatETag('3')).toBe('W/"3"');
    expect(parseIfMatch('W/"3"')).toBe('3');
    expect(parseIfMatch('"3"')).toBe('3');
    expect(parseIfMatch(' 3 ')).toBe('3');
    for (const bad of ['W/"', '""', 'W/', 'a b']) expect(() => parseIfMatch(bad), bad).toThrow();
  });

  it('reads return=minimal | representation | OperationOutcome, defaulting to representation', () => {
    expect(parseReturnPreference('return=minimal')).toBe('minimal');
    expect(parseReturnPreference('respond-async, return=OperationOutcome')).toBe('OperationOutcome');
    expect(parseReturnPreference('return="representation"')).toBe('representation');
    expect(parseReturnPreference('return=bogus')).toBe('representation');
    expect(parseReturnPreference(undefined)).toBe('representation');
  });
});

describe('resource bodies', () => {
  it('measures depth without recursion limits', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(exceedsDepth(deep, 64)).toBe(true);
    expect(exceedsDepth({ a: [{ b: 1 }] }, 3)).toBe(false);
    expect(exceedsDepth({ a: [{ b: {} }] }, 3)).toBe(true);
  });

  it('requires an object of the URL type with a valid id', () => {
    expect(
      requireResource({ resourceType: 'Patient', id: 'a.b-1' }, { type: 'Patient', maxDepth: 64 }),
    ).toBeDefined();
    for (const bad of [
      null,
      [],
      'x',
      { resourceType: 'Group' },
      { resourceType: 'Patient', id: '' },
      { resourceType: 'Patient', meta: 'x' },
    ]) {
      expect(() => requireResource(bad, { type: 'Patient', maxDepth: 64 })).toThrow(
        expect.objectContaining({ kind: 'invalid' }),
      );
    }
  });

  it('stamps versions (meta first, server fields win) and compares content ignoring them', () => {
    const stamped = stampVersion(
      { active: true, resourceType: 'Patient', meta: { versionId: '9', source: 's' } },
      { id: 'p', versionId: '2', lastUpdated: '2026-01-01T00:00:00.000Z' },
    );
    expect(JSON.stringify(stamped)).toBe(
      '{"resourceType":"Patient","id":"p","meta":{"versionId":"2","lastUpdated":"2026-01-01T00:00:00.000Z","source":"s"},"active":true}',
    );
    expect(
      sameContent({ resourceType: 'Patient', id: 'p', active: true, meta: { source: 's' } }, stamped),
    ).toBe(true);
    expect(
      sameContent({ resourceType: 'Patient', id: 'p', active: false, meta: { source: 's' } }, stamped),
    ).toBe(false);
    expect(sameContent({ resourceType: 'Patient', id: 'p', active: true }, stamped)).toBe(false);
  });
});
