import { describe, expect, it } from 'vitest';
import { countDriftDay } from '../../../src/monitoring/drift/drift-days.js';
import type { DriftDayCounter } from '../../../src/ports/production-store.js';

/** Counts a run of (date, counts) days from nothing; returns the consecutive count after each. */
function run(days: ReadonlyArray<readonly [string, boolean]>): number[] {
  let counter: DriftDayCounter | null = null;
  return days.map(([date, counts]) => {
    counter = countDriftDay(counter, date, counts, counts ? 'performance' : 'none');
    return counter.consecutive;
  });
}

describe('consecutive drift days', () => {
  it.each([
    ['drift every day', [true, true, true, true, true], [1, 2, 3, 4, 5]],
    ['a clean day in between', [true, true, false, true, true], [1, 2, 0, 1, 2]],
    ['no drift', [false, false, false], [0, 0, 0]],
    ['drift at the end', [false, false, true], [0, 0, 1]],
  ])('when there is %s then the count goes %j', (_what, flags, expected) => {
    expect(run(flags.map((f, i) => [`2026-02-0${i + 1}`, f] as const))).toEqual(expected);
  });

  it('when the same day is counted again then it replaces its own count instead of adding one', () => {
    const once = countDriftDay(countDriftDay(null, '2026-02-01', true, 'performance'), '2026-02-02', true, 'performance');
    const again = countDriftDay(once, '2026-02-02', true, 'performance');
    expect(again).toMatchObject({ consecutive: 2, total: 2, counted_through: '2026-02-02' });
    const corrected = countDriftDay(once, '2026-02-02', false, 'none');
    expect(corrected).toMatchObject({ consecutive: 0, total: 1, counted_through: '2026-02-02' });
  });

  it('when a day is counted then the total of drift days keeps growing across resets', () => {
    let counter: DriftDayCounter | null = null;
    for (const [i, counts] of [true, false, true, true].entries()) counter = countDriftDay(counter, `2026-03-0${i + 1}`, counts, 'x');
    expect(counter).toMatchObject({ consecutive: 2, total: 3 });
  });
});
