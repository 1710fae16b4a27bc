// JSON Patch (RFC 6902) on plain documents: every operation, the RFC's error cases, atomicity, and
// a property: add-then-remove of a new member restores the document.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyJsonPatch } from '../src/domain/json-patch.ts';

const doc = () => ({ resourceType: 'Patient', id: 'p', name: [{ given: ['a', 'b'] }], active: true });

describe('applyJsonPatch', () => {
  it('applies add, remove, replace, move, copy and test', () => {
    const result = applyJsonPatch(doc(), [
      { op: 'test', path: '/active', value: true },
      { op: 'add', path: '/name/0/given/-', value: 'c' },
      { op: 'add', path: '/name/0/given/0', value: 'z' },
      { op: 'remove', path: '/name/0/given/1' },
      { op: 'replace', path: '/active', value: false },
      { op: 'copy', from: '/name/0', path: '/name/1' },
      { op: 'move', from: '/active', path: '/deceasedBoolean' },
      { op: 'add', path: '/a~1b', value: 1 },
    ]);
    expect(result).toEqual({
      resourceType: 'Patient',
      id: 'p',
      name: [{ given: ['z', 'b', 'c'] }, { given: ['z', 'b', 'c'] }],
      deceasedBoolean: false,
      'a/b': 1,
    });
  });

  it('leaves the input unchanged and applies nothing when an operation fails', () => {
    const input = doc();
    expect(() =>
      applyJsonPatch(input, [
        { op: 'replace', path: '/active', value: false },
        { op: 'test', path: '/active', value: true },
      ]),
    ).toThrow(expect.objectContaining({ kind: 'unprocessable' }));
    expect(input).toEqual(doc());
  });

  it('refuses malformed documents with 400 and inapplicable ones with 422', () => {
    const kindOf = (patch: unknown) => {
      try {
        applyJsonPatch(doc(), patch);
        return 'applied';
      } catch (error) {
        return (error as { kind: string }).kind;
      }
    };
    expect(kindOf({ op: 'add' })).toBe('invalid');
    expect(kindOf([{ op: 'jump', path: '/a' }])).toBe('invalid');
    expect(kindOf([{ op: 'add', path: 'a', value: 1 }])).toBe('invalid');
    expect(kindOf([{ op: 'add', path: '/a' }])).toBe('invalid');
    expect(kindOf([{ op: 'move', path: '/a' }])).toBe('invalid');
    expect(kindOf([{ op: 'add', path: '/__proto__/x', value: 1 }])).toBe('invalid');
    expect(kindOf([{ op: 'remove', path: '/missing' }])).toBe('unprocessable');
    expect(kindOf([{ op: 'replace', path: '/missing', value: 1 }])).toBe('unprocessable');
    expect(kindOf([{ op: 'add', path: '/missing/child', value: 1 }])).toBe('unprocessable');
    expect(kindOf([{ op: 'add', path: '/name/5', value: {} }])).toBe('unprocessable');
    expect(kindOf([{ op: 'add', path: '/name/01', value: {} }])).toBe('unprocessable');
    expect(kindOf([{ op: 'move', from: '/name', path: '/name/0/x' }])).toBe('unprocessable');
    expect(kindOf([{ op: 'test', path: '/name/0', value: { given: ['a'] } }])).toBe('unprocessable');
    expect(kindOf([{ op: 'test', path: '/name/0', value: { given: ['a', 'b'] } }])).toBe('applied');
  });

  it('add then remove of a new member restores the document (property)', () => {
    fc.assert(
      fc.property(
        fc
          .string({ minLength: 1 })
          .filter(
            (key) =>
              !['__proto__', 'constructor', 'prototype', 'active', 'name', 'id', 'resourceType'].includes(
                key,
              ),
          ),
        fc.jsonValue(),
        (key, value) => {
          const path = `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
          const added = applyJsonPatch(doc(), [{ op: 'add', path, value }]);
          expect(applyJsonPatch(added, [{ op: 'remove', path }])).toEqual(doc());
        },
      ),
    );
  });
});
