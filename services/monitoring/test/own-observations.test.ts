// The set of Observation ids monitoring charted itself: each recognised once, the oldest forgotten first.
import { describe, expect, it } from 'vitest';
import { createOwnObservations } from '../src/charting/own-observations.ts';

describe('own observations', () => {
  it('recognises a charted id once, and forgets the oldest beyond its capacity', () => {
    const own = createOwnObservations(3);
    for (const id of ['a', 'b', 'c', 'd']) own.add(id);
    expect(own.size()).toBe(3);
    expect(own.take('a')).toBe(false);
    expect(own.take('b')).toBe(true);
    expect(own.take('b')).toBe(false);
    expect(own.take('nurse-entered')).toBe(false);
    expect(own.size()).toBe(2);
  });
});
