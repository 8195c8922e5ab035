import type { DriftDayCounter } from '../../ports/production-store.js';

/**
 * Consecutive drift days, counted once per logged day (reference 000: a day that counts adds
 * one, any other day resets to zero). The latest day may be counted again (a corrected return,
 * a backfill that changes the verdict): it is recounted from the count before it.
 */
export function countDriftDay(counter: DriftDayCounter | null, date: string, counts: boolean, driftType: string): DriftDayCounter {
  const base = baseFor(counter, date);
  return {
    consecutive: counts ? base.consecutive + 1 : 0,
    total: base.total + (counts ? 1 : 0),
    counted_through: counter !== null && date < counter.counted_through ? counter.counted_through : date,
    last_drift_type: driftType,
    previous: base,
  };
}

/** The count as it stands, or would stand, once `date` is counted; read-only. */
export function driftDaysThrough(counter: DriftDayCounter | null, date: string, counts: boolean): { consecutive: number; total: number } {
  const base = baseFor(counter, date);
  return { consecutive: counts ? base.consecutive + 1 : 0, total: base.total + (counts ? 1 : 0) };
}

function baseFor(counter: DriftDayCounter | null, date: string): { consecutive: number; total: number } {
  if (counter === null) return { consecutive: 0, total: 0 };
  // The same latest day again, or an older one (the series' latest day is still counted_through).
  if (date <= counter.counted_through) return counter.previous;
  return { consecutive: counter.consecutive, total: counter.total };
}
