// Subject syntax and wildcard matching: examples from the NATS docs, then properties over random subjects.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assertFilter, assertSubject, filterPattern, subjectMatches } from '../src/subject.ts';

const token = fc.stringMatching(/^[A-Za-z0-9_$-]{1,6}$/);
const subject = fc.array(token, { minLength: 1, maxLength: 6 }).map((tokens) => tokens.join('.'));

describe('subject matching', () => {
  it.each([
    ['fhir.*.created', 'fhir.Patient.created', true],
    ['fhir.*.created', 'fhir.Patient.updated', false],
    ['fhir.*.created', 'fhir.Patient.x.created', false],
    ['fhir.>', 'fhir.Patient.created', true],
    ['fhir.>', 'fhir', false],
    ['>', 'anything.at.all', true],
    ['*', 'one', true],
    ['*', 'one.two', false],
    ['fhir.Patient', 'fhir.Patient', true],
    ['a.b', 'a.bc', false],
    ['a$b.c', 'a$b.c', true],
    ['a$b.c', 'a$$b.c', false],
  ])('%s against %s is %s', (filter, candidate, expected) => {
    expect(subjectMatches(filter, candidate)).toBe(expected);
  });

  it('rejects malformed subjects and filters', () => {
    for (const bad of ['', 'a..b', '.a', 'a.', 'a b', 'a.*', 'a.>'])
      expect(() => assertSubject(bad)).toThrow();
    for (const bad of ['', 'a.>.b', 'a*', 'a.b>', '>.a']) expect(() => assertFilter(bad)).toThrow();
  });

  it('a subject matches itself, and a regular-expression character in it is literal', () => {
    fc.assert(fc.property(subject, (s) => subjectMatches(s, s)));
  });

  it('* stands for exactly one token, > for one or more trailing tokens', () => {
    fc.assert(
      fc.property(subject, fc.nat(), (s, at) => {
        const tokens = s.split('.');
        const i = at % tokens.length;
        const star = tokens.map((t, j) => (j === i ? '*' : t)).join('.');
        const tail = [...tokens.slice(0, i), '>'].join('.');
        expect(subjectMatches(star, s)).toBe(true);
        expect(subjectMatches(tail, s)).toBe(true);
        expect(subjectMatches(`${s}.>`, s)).toBe(false);
        expect(subjectMatches(`${s}.*`, s)).toBe(false);
      }),
    );
  });

  it('a literal filter matches only the identical subject', () => {
    fc.assert(fc.property(subject, subject, (a, b) => subjectMatches(a, b) === (a === b)));
  });

  it('produces an anchored pattern', () => {
    expect(filterPattern('fhir.*.created')).toBe('^fhir\\.[^.]+\\.created$');
  });
});
