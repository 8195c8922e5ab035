import { describe, expect, it } from 'vitest';
import { dailyReturnPct, dailyReturnsFromTrades } from '../../../src/monitoring/drift/daily-returns.js';
import { expectedMetricsFromReturns, expectedVolatility, withOverrides } from '../../../src/monitoring/drift/expected-metrics.js';
import { annualisedVolatility, cumulativeReturn, drawdowns, sharpeRatio } from '../../../src/monitoring/drift/return-stats.js';
import type { TradeRecord } from '../../../src/model/position.js';

describe('return statistics', () => {
  it('when returns alternate around a mean then Sharpe and volatility use the population std and √annualisation', () => {
    expect(sharpeRatio([1.1, -0.9, 1.1, -0.9], 365)).toBeCloseTo(0.1 * Math.sqrt(365), 12);
    expect(annualisedVolatility([1.1, -0.9, 1.1, -0.9], 252)).toBeCloseTo(Math.sqrt(252), 12);
  });

  it.each([[[]], [[1]], [[0.5, 0.5, 0.5]]])('when the series %j cannot give a Sharpe then it is null', (returns) => {
    expect(sharpeRatio(returns, 365)).toBeNull();
  });

  it('when the equity rises, falls and recovers part of it then the drawdowns are compounded from the running peak', () => {
    const { current, max } = drawdowns([10, -20, 5]);
    expect(max).toBeCloseTo(20, 12);
    expect(current).toBeCloseTo((1.1 * 0.8 * 1.05 - 1.1) / 1.1 * 100, 12);
    expect(cumulativeReturn([10, -20, 5])).toBeCloseTo((1.1 * 0.8 * 1.05 - 1) * 100, 12);
    expect(drawdowns([1, 2, 3])).toEqual({ current: 0, max: 0 });
  });

  it('when expectations come from daily returns then they are measured like live returns', () => {
    const e = expectedMetricsFromReturns([1.1, -0.9, 1.1, -0.9], 365);
    expect(e.sharpe).toBeCloseTo(0.1 * Math.sqrt(365), 12);
    expect(e.ann_return).toBeCloseTo(36.5, 12);
    expect(e.ann_volatility).toBeCloseTo(Math.sqrt(365), 12);
    expect(e.max_drawdown).toBeCloseTo(0.9, 12);
  });

  it('when an override gives some keys then only those replace the backtest values', () => {
    const merged = withOverrides({ sharpe: 1, ann_return: 2, max_drawdown: 3, ann_volatility: null }, { sharpe: 5, ann_volatility: 9 });
    expect(merged).toEqual({ sharpe: 5, ann_return: 2, max_drawdown: 3, ann_volatility: 9 });
  });

  it.each([
    [{ sharpe: 1, ann_return: 1, max_drawdown: 12, ann_volatility: 30 }, { value: 30, basis: 'ann_volatility' }],
    [{ sharpe: 1, ann_return: 1, max_drawdown: 12, ann_volatility: null }, { value: 4, basis: 'max_drawdown/3' }],
    [{ sharpe: 1, ann_return: 1, max_drawdown: 0, ann_volatility: null }, null],
  ])('when the expectations are %j then the expected volatility is %j', (expected, volatility) => {
    expect(expectedVolatility(expected)).toEqual(volatility);
  });

  it('when trades close on some days then every calendar day of the window gets a return, 0 without trades', () => {
    const trade = (closed_at: string, net_pnl: number) => ({ closed_at, net_pnl }) as TradeRecord;
    const points = dailyReturnsFromTrades([trade('2026-01-01T10:00:00Z', 100), trade('2026-01-03T23:59:00Z', -202)], 10_000, Date.parse('2026-01-01T05:00:00Z'), Date.parse('2026-01-04T01:00:00Z'));
    expect(points.map((p) => p.date)).toEqual(['2026-01-01', '2026-01-02', '2026-01-03', '2026-01-04']);
    expect(points.map((p) => p.return_pct)).toEqual([1, 0, -2, 0]);
    expect(dailyReturnPct(200, 197)).toBeCloseTo(-1.5, 12);
    expect(() => dailyReturnPct(0, 1)).toThrow(RangeError);
  });
});
