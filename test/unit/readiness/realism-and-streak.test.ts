import { describe, expect, it } from 'vitest';
import { measureExecutionRealism } from '../../../src/readiness/execution-realism.js';
import { paperStreak } from '../../../src/readiness/paper-streak.js';
import { NOW, dayBefore, dayRun, trade } from './fixtures.js';

describe('paperStreak', () => {
  it.each<[string, string[], number, number]>([
    ['no days', [], 0, 0],
    ['today only', [dayBefore(0)], 1, 0],
    ['14 days up to yesterday', dayRun(14, 1), 14, 2],
    ['14 days up to 2 days ago', dayRun(14, 2), 0, 2],
    ['20 days with a gap 5 days ago', [...dayRun(14, 6), ...dayRun(5)], 5, 2],
    ['duplicates and disorder', [dayBefore(0), dayBefore(2), dayBefore(1), dayBefore(0)], 3, 0],
  ])('when the days are %s then the streak is %s and weeks counted %s', (_, days, streak, weeks) => {
    expect(paperStreak(days, NOW)).toMatchObject({ streak_days: streak, weeks_counted: weeks });
  });
});

describe('measureExecutionRealism', () => {
  it('when there are no trades then nothing is wrong and nothing is measured', () => {
    expect(measureExecutionRealism([], 0)).toMatchObject({ trades: 0, problems: [], cost_drag_bps_recent: null, cost_drag_bps_prior: null });
  });

  it('when costs are realistic and steady then there is no problem and the cost drag is measured per week', () => {
    const trades = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1].map((d) => trade(d));
    expect(measureExecutionRealism(trades, 0)).toMatchObject({ problems: [], cost_drag_bps_recent: 30, cost_drag_bps_prior: 30, recent_trades: 7, prior_trades: 3 });
  });

  it.each<[string, ReturnType<typeof trade>[], number, string]>([
    ['a trade without fee', [trade(2, { fees: 0 }), trade(1)], 0, '1 of 2 recent trades paid no fee'],
    ['a trade without slippage', [trade(2), trade(1, { slippage: 0 })], 0, '1 of 2 recent trades had no slippage'],
    ['an entry filled on its signal candle', [trade(1)], 2, '2 entry fill(s) on their own signal candle (filled at its close: look-ahead)'],
    [
      'costs doubling week on week',
      [...[13, 12, 11, 10, 9].map((d) => trade(d)), ...[5, 4, 3, 2, 1].map((d) => trade(d, { fees: 5 }))],
      0,
      'cost drag 60.0 bps over the last 7 days vs 30.0 bps the 7 days before',
    ],
    [
      'costs collapsing week on week',
      [...[13, 12, 11, 10, 9].map((d) => trade(d)), ...[5, 4, 3, 2, 1].map((d) => trade(d, { fees: 0.2, slippage: 0.1 }))],
      0,
      'cost drag 3.0 bps over the last 7 days vs 30.0 bps the 7 days before',
    ],
  ])('when there is %s then it is a problem', (_, trades, sameCandle, problem) => {
    expect(measureExecutionRealism(trades, sameCandle).problems).toEqual([problem]);
  });

  it('when a trade without fee is older than the 14-day window then it no longer counts', () => {
    expect(measureExecutionRealism([trade(30, { fees: 0 }), trade(1)], 0).problems).toEqual([]);
  });
});
