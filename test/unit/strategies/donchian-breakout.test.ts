import { describe, expect, it } from 'vitest';
import { donchianBreakout } from '../../../src/strategies/donchian-breakout.js';
import { createStrategy } from '../../../src/strategies/registry.js';
import type { StrategyParams } from '../../../src/strategies/strategy.js';
import { candlesFromCloses, loadReplayCandles } from '../../support/candles.js';
import { exits, longs, run } from './harness.js';
import { atrReference, closeTo } from './reference.js';

describe('donchian_breakout parameters', () => {
  it('when created with defaults then it warms up over the entry channel plus the candle it judges', () => {
    expect(createStrategy('donchian_breakout').warmupCandles).toBe(21);
    expect(createStrategy('donchian_breakout', { entry_period: 5, exit_period: 3, atr_period: 30 }).warmupCandles).toBe(30);
  });

  it.each<[StrategyParams, RegExp]>([
    [{ entry_period: 0 }, /entry_period must be an integer >= 1/],
    [{ exit_period: 2.5 }, /exit_period must be an integer >= 1/],
    [{ atr_period: 0 }, /atr_period must be an integer >= 1/],
    [{ atr_stop_mult: -2 }, /atr_stop_mult must be > 0/],
    [{ atr_target_mult: -1 }, /atr_target_mult must be >= 0/],
    [{ trail_atr_mult: -1 }, /trail_atr_mult must be >= 0/],
    [{ offset_pct: -0.1 }, /offset_pct must be >= 0/],
    [{ only_after_offset: 'true' }, /only_after_offset must be true or false/],
    [{ min_score: -0.1 }, /min_score must be between 0 and 1/],
    [{ ev_window: 0 }, /ev_window must be an integer >= 1/],
    [{ ev_prior_trades: Number.NaN }, /ev_prior_trades must be a number/],
    [{ trailing: true }, /has no parameter "trailing"/],
  ])('when given %o then it refuses with a RangeError', (overrides, message) => {
    expect(() => createStrategy('donchian_breakout', overrides)).toThrow(RangeError);
    expect(() => createStrategy('donchian_breakout', overrides)).toThrow(message);
  });

  it('when a parameter is missing then create refuses instead of defaulting', () => {
    const rest = Object.fromEntries(Object.entries(donchianBreakout.defaults).filter(([key]) => key !== 'offset_pct'));
    expect(() => donchianBreakout.create(rest)).toThrow(/offset_pct must be a number/);
  });
});

describe('donchian_breakout on a hand-made range', () => {
  const params = { entry_period: 10, exit_period: 5, atr_period: 5 };
  const range = Array.from({ length: 12 }, (_, i) => 100 + (i % 2));
  const candles = candlesFromCloses([...range, 103, 104, 103, 102, 99, 98]);

  it('when the close clears the previous high then it goes long with an ATR stop and an ATR trailing spec', () => {
    const [entry, ...rest] = longs(run(createStrategy('donchian_breakout', params), candles, 'flat'));
    const atr = atrReference(candles, 5)[12]!;
    expect(entry?.index).toBe(12);
    expect(rest.map((e) => e.index)).toEqual([13]);
    expect(entry?.signal).toMatchObject({ reason: 'donchian_breakout_up', price: 103, target: null, score: 1 });
    expect(closeTo(entry!.signal.stop!, 103 - 2 * atr)).toBe(true);
    expect(entry!.signal.trailing).toEqual({ distance_pct: ((3 * atr) / 103) * 100, offset_pct: 0.5, only_after_offset: true });
  });

  it('when the breakout comes before warm-up ends then it is not signalled', () => {
    const strategy = createStrategy('donchian_breakout', { ...params, atr_period: 20 });
    expect(strategy.warmupCandles).toBe(20);
    expect(run(strategy, candles, 'flat')).toEqual([]);
    expect(run(createStrategy('donchian_breakout', { ...params, atr_period: 20 }), candles, 'holding')).toEqual([]);
  });

  it('when the close falls through the previous low with a position then it exits', () => {
    const emitted = run(createStrategy('donchian_breakout', params), candles, 'follow');
    expect(emitted.map((e) => [e.index, e.signal.direction, e.signal.reason])).toEqual([
      [12, 'long', 'donchian_breakout_up'],
      [16, 'exit', 'donchian_breakdown'],
    ]);
  });

  it.each<[StrategyParams, unknown]>([
    [{ trail_atr_mult: 0 }, null],
    [{ offset_pct: 1.5, only_after_offset: false }, expect.objectContaining({ offset_pct: 1.5, only_after_offset: false })],
  ])('when given %o then the trailing spec follows it', (overrides, trailing) => {
    const [entry] = longs(run(createStrategy('donchian_breakout', { ...params, ...overrides }), candles, 'flat'));
    expect(entry?.signal.trailing).toEqual(trailing);
  });
});

describe('donchian_breakout against the reference channels on real BTC 5m candles', () => {
  const btc = loadReplayCandles('BTC', '5m');
  const atr = atrReference(btc, 14);
  /** Extreme of the `n` candles strictly before i: the band the strategy may know at i. */
  const before = (i: number, n: number, pick: (c: (typeof btc)[number]) => number, agg: (...v: number[]) => number) => agg(...btc.slice(i - n, i).map(pick));

  it('when the account is flat then it enters exactly where the close beats the previous 20 highs', () => {
    const expected = btc.flatMap((c, i) => (i >= 20 && c.close > before(i, 20, (x) => x.high, Math.max) ? [i] : []));
    const entries = longs(run(createStrategy('donchian_breakout'), btc, 'flat'));
    expect(entries.map((e) => e.index)).toEqual(expected);
    for (const { index, signal } of entries) {
      const close = btc[index]!.close;
      expect(closeTo(signal.stop!, close - 2 * atr[index]!)).toBe(true);
      expect(closeTo(signal.trailing!.distance_pct, ((3 * atr[index]!) / close) * 100)).toBe(true);
      expect(closeTo(signal.score, Math.min(1, (close - before(index, 20, (x) => x.high, Math.max)) / atr[index]!))).toBe(true);
    }
  });

  it('when the account holds a position then it exits exactly where the close breaks the previous 10 lows', () => {
    const expected = btc.flatMap((c, i) => (i >= 20 && c.close < before(i, 10, (x) => x.low, Math.min) ? [i] : []));
    expect(exits(run(createStrategy('donchian_breakout'), btc, 'holding')).map((e) => e.index)).toEqual(expected);
  });

  it('when earlier shadow trades have closed then later entries carry a measured expected value', () => {
    const entries = longs(run(createStrategy('donchian_breakout'), btc, 'flat'));
    expect(entries[0]?.signal).toMatchObject({ expected_value_pct: 0, confidence: 0.5 });
    expect(entries.some((e) => e.signal.expected_value_pct !== 0 && e.signal.confidence !== 0.5)).toBe(true);
  });
});
