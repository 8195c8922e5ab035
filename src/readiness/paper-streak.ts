const DAY_MS = 86_400_000;

export interface PaperStreak {
  /** Consecutive market days up to today or yesterday (UTC, wall clock); 0 when the run ended earlier. */
  readonly streak_days: number;
  /** Whole weeks of paper trading days, in a row or not. */
  readonly weeks_counted: number;
  readonly days_total: number;
  readonly last_day: string | null;
}

/**
 * The paper-trading streak from the market days the engine traded through (a live feed's market
 * days are calendar days). The run must reach today or yesterday: a streak that ended last
 * month is not a streak.
 */
export function paperStreak(days: readonly string[], now: number): PaperStreak {
  const sorted = [...new Set(days)].sort();
  const last = sorted.at(-1) ?? null;
  const today = Math.floor(now / DAY_MS);
  let streak = 0;
  if (last !== null && today - dayNumber(last) <= 1) {
    streak = 1;
    for (let i = sorted.length - 2; i >= 0 && dayNumber(sorted[i + 1]!) - dayNumber(sorted[i]!) === 1; i--) streak++;
  }
  return { streak_days: streak, weeks_counted: Math.floor(sorted.length / 7), days_total: sorted.length, last_day: last };
}

function dayNumber(day: string): number {
  return Math.floor(Date.parse(`${day}T00:00:00Z`) / DAY_MS);
}
