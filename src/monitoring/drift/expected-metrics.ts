import type { ExpectedMetricsValues } from '../../ports/production-store.js';
import { annualisedVolatility, drawdowns, mean, sharpeRatio } from './return-stats.js';

/** What a strategy's backtest promises, in the units of its daily returns (percent). */
export type ExpectedMetrics = ExpectedMetricsValues;

/** Overrides from production.yaml's `expected_metrics`: any subset of the four keys. */
export type ExpectedMetricsOverride = Partial<Record<keyof ExpectedMetricsValues, number | undefined>>;

export const UNKNOWN_EXPECTATIONS: ExpectedMetrics = { sharpe: null, ann_return: null, max_drawdown: null, ann_volatility: null };

/**
 * Expectations from a daily return series (a backtest's): the same statistics the drift check
 * computes on live returns. ann_return is the arithmetic mean × annualization days, so that
 * ann_return ÷ annualization days is the expected daily return.
 */
export function expectedMetricsFromReturns(returnsPct: readonly number[], annualizationDays: number): ExpectedMetrics {
  if (returnsPct.length === 0) return UNKNOWN_EXPECTATIONS;
  return {
    sharpe: sharpeRatio(returnsPct, annualizationDays),
    ann_return: mean(returnsPct) * annualizationDays,
    max_drawdown: drawdowns(returnsPct).max,
    ann_volatility: annualisedVolatility(returnsPct, annualizationDays),
  };
}

/** The override's keys win, key by key. */
export function withOverrides(base: ExpectedMetrics, override: ExpectedMetricsOverride | undefined): ExpectedMetrics {
  if (!override) return base;
  return {
    sharpe: override.sharpe ?? base.sharpe,
    ann_return: override.ann_return ?? base.ann_return,
    max_drawdown: override.max_drawdown ?? base.max_drawdown,
    ann_volatility: override.ann_volatility ?? base.ann_volatility,
  };
}

/** True when the override gives all four values, so no backtest is needed. */
export function isComplete(override: ExpectedMetricsOverride | undefined): boolean {
  return override !== undefined && [override.sharpe, override.ann_return, override.max_drawdown, override.ann_volatility].every((v) => v !== undefined);
}

/**
 * The annual volatility the volatility check compares with: `ann_volatility` when known, else
 * reference 000's rough `max_drawdown / 3`; null (check skipped) when neither is positive.
 */
export function expectedVolatility(expected: ExpectedMetrics | null): { value: number; basis: 'ann_volatility' | 'max_drawdown/3' } | null {
  if (expected?.ann_volatility != null && expected.ann_volatility > 0) return { value: expected.ann_volatility, basis: 'ann_volatility' };
  if (expected?.max_drawdown != null && expected.max_drawdown > 0) return { value: expected.max_drawdown / 3, basis: 'max_drawdown/3' };
  return null;
}
