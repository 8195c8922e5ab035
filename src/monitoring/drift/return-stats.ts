/*
 * Statistics of a daily return series in percent (1.5 = +1.5 %), shared by drift detection,
 * challenger evaluation and expectations from a backtest so that all of them compare like with
 * like: population standard deviation, annualised by √annualization_days, equity compounded.
 */

export function mean(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return values.length === 0 ? Number.NaN : total / values.length;
}

/** Population standard deviation (numpy's default, as in reference 000), or null when it is (numerically) zero. */
export function populationStd(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const m = mean(values);
  let squares = 0;
  let scale = 0;
  for (const v of values) {
    squares += (v - m) ** 2;
    scale = Math.max(scale, Math.abs(v));
  }
  const std = Math.sqrt(squares / values.length);
  return std > scale * Number.EPSILON * 16 ? std : null;
}

/** mean ÷ population std × √annualizationDays; null with fewer than 2 days or no variation. */
export function sharpeRatio(returnsPct: readonly number[], annualizationDays: number): number | null {
  if (returnsPct.length < 2) return null;
  const std = populationStd(returnsPct);
  return std === null ? null : (mean(returnsPct) / std) * Math.sqrt(annualizationDays);
}

/** Annualised volatility in percent; null with fewer than 2 days or no variation. */
export function annualisedVolatility(returnsPct: readonly number[], annualizationDays: number): number | null {
  if (returnsPct.length < 2) return null;
  const std = populationStd(returnsPct);
  return std === null ? null : std * Math.sqrt(annualizationDays);
}

/** Compounded return of the whole series, percent. */
export function cumulativeReturn(returnsPct: readonly number[]): number {
  let equity = 1;
  for (const r of returnsPct) equity *= 1 + r / 100;
  return (equity - 1) * 100;
}

/**
 * Drawdowns of the compounded equity from its running peak (the start counting as the first
 * peak), in percent: `current` ≤ 0 at the last day, `max` the deepest, as a positive magnitude.
 */
export function drawdowns(returnsPct: readonly number[]): { current: number; max: number } {
  let equity = 1;
  let peak = 1;
  let current = 0;
  let max = 0;
  for (const r of returnsPct) {
    equity *= 1 + r / 100;
    if (equity > peak) peak = equity;
    current = peak > 0 ? ((equity - peak) / peak) * 100 : -100;
    if (-current > max) max = -current;
  }
  return { current: current === 0 ? 0 : current, max };
}
