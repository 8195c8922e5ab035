import { describe, expect, it } from 'vitest';
import { toCapitalFile, toSignalLine, toWeightsFile } from '../../../../src/reports/daily/source-records.js';

describe('source records', () => {
  it('when the weights history holds resets, refusals and shifts then only shifts of a strategy count, and a critical one is a clamp violation', () => {
    const file = toWeightsFile({
      updated_at: '2026-01-01T00:00:00Z',
      max_daily_shift: 0.1,
      weights: { a: 0.6, b: 0.4, bad: 'x' },
      history: [
        { event: 'reset', day: null, strategy: null, applied_shift: null },
        { event: 'rejected', day: '2023-03-22', strategy: null, applied_shift: null },
        { event: 'shift', day: '2023-03-22', strategy: 'a', requested_shift: 0.3, applied_shift: 0.1, clamped: false, severity: 'critical' },
        { event: 'shift', market_time: '2023-03-23T01:00:00.000Z', strategy: 'b', applied_shift: -0.02 },
      ],
    });
    expect(file).toEqual({
      weights: { a: 0.6, b: 0.4 },
      updated_at: '2026-01-01T00:00:00Z',
      max_daily_shift: 0.1,
      history: [
        { day: '2023-03-22', strategy: 'a', requested_shift: 0.3, applied_shift: 0.1, clamped: true },
        { day: '2023-03-23', strategy: 'b', requested_shift: null, applied_shift: -0.02, clamped: false },
      ],
    });
  });

  it.each([
    ['the writer\'s document', { level: 'LOCKDOWN', transitions: [{ at: '2023-03-22T10:00:00.000Z', from: 'DEFENSIVE', to: 'LOCKDOWN', trigger: 'drawdown', reason: 'drawdown 12 %' }] }, 'LOCKDOWN', 'drawdown 12 %'],
    ['a time in ms and only a trigger', { current_level: 'CAUTION', transitions: [{ at: 1679479200000, from: 'NORMAL', to: 'CAUTION', trigger: 'loss_streak' }] }, 'CAUTION', 'loss_streak'],
  ])('when the capital preservation file is %s then level and transitions are read', (_what, doc, level, reason) => {
    const file = toCapitalFile(doc)!;
    expect(file.level).toBe(level);
    expect(file.transitions).toEqual([expect.objectContaining({ at: '2023-03-22T10:00:00.000Z', reason })]);
  });

  it.each([
    ['not an object', 'text'],
    ['an array', []],
  ])('when a state file is %s then it is not read as one', (_what, doc) => {
    expect(toCapitalFile(doc)).toBeNull();
    expect(toWeightsFile(doc)).toBeNull();
  });

  it('when a signal line is read then its market time becomes ms and the gate reasons a list of strings', () => {
    const line = toSignalLine({ market_time: '2023-03-22T10:00:00.000Z', symbol: 'BTC/USDT', strategy: 'ema_trend', direction: 'long', confidence: 0.7, expected_value_pct: 0.5, cost_estimate_pct: null, executed: false, gate: { allowed: false, reasons: ['turnover_max_daily', 3] } });
    expect(line).toEqual({ market_time: 1679479200000, symbol: 'BTC/USDT', strategy: 'ema_trend', direction: 'long', confidence: 0.7, expected_value_pct: 0.5, cost_estimate_pct: null, executed: false, reasons: ['turnover_max_daily'] });
    expect(toSignalLine({ symbol: 'BTC/USDT' })).toBeNull();
  });
});
