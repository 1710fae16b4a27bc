import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resourceTypes, validateResource } from '../src/index.ts';

const SECRET = 'Zq7Secret';

describe('validateResource on arbitrary input', () => {
  it('never throws and always returns well-formed issues', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const issues = validateResource(value);
        expect(Array.isArray(issues)).toBe(true);
        for (const issue of issues) {
          expect(['fatal', 'error', 'warning', 'information']).toContain(issue.severity);
          expect(issue.expression.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on arbitrary JSON under a real resource type, and never echoes a planted value', () => {
    const types = resourceTypes().filter((t) =>
      ['Patient', 'Observation', 'Encounter', 'Bundle'].includes(t),
    );
    const planted = fc.oneof(fc.constant(SECRET), fc.jsonValue());
    const body = fc.dictionary(
      fc.constantFrom(
        'id',
        'name',
        'status',
        'code',
        'valueQuantity',
        'entry',
        'period',
        'birthDate',
        'x',
        '_status',
      ),
      fc.oneof(
        planted,
        fc.array(planted, { maxLength: 3 }),
        fc.dictionary(fc.string(), planted, { maxKeys: 3 }),
      ),
    );
    fc.assert(
      fc.property(fc.constantFrom(...types), body, (resourceType, fields) => {
        const issues = validateResource({ ...fields, resourceType });
        for (const issue of issues) expect(issue.diagnostics).not.toContain(SECRET);
      }),
      { numRuns: 300 },
    );
  });
});
