const DAY_MS = 86_400_000;

export interface WalkForwardWindows {
  /** In-sample [from, split), out-of-sample [split, to); ms. */
  readonly from: number;
  readonly split: number;
  readonly to: number;
}

/**
 * The most recent `lookbackDays` of the data, split in time order: the first share searched
 * (in-sample), the rest, never seen by the search, validates (out-of-sample). `from` and the split fall
 * on UTC midnight (so the lookback is at least `lookbackDays`), and the in-sample part is at
 * least one whole day.
 */
export function walkForwardWindows(span: { start: number; end: number }, timeframeMs: number, lookbackDays: number, inSampleFraction: number): WalkForwardWindows {
  const to = span.end + timeframeMs;
  const from = Math.max(floorDay(span.start), floorDay(to - lookbackDays * DAY_MS));
  const split = Math.max(from + DAY_MS, floorDay(from + (to - from) * inSampleFraction));
  if (!(from < split && split < to)) throw new RangeError(`the data (${new Date(span.start).toISOString()} to ${new Date(to).toISOString()}) is too short for an in-sample and an out-of-sample window of whole days`);
  return { from, split, to };
}

function floorDay(ms: number): number {
  return Math.floor(ms / DAY_MS) * DAY_MS;
}
