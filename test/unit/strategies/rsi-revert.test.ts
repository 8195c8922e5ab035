import { describe, expect, it } from 'vitest';
import { createStrategy } from '../../../src/strategies/registry.js';
import { rsiRevert } from '../../../src/strategies/rsi-revert.js';
import type { StrategyParams } from '../../../src/strategies/strategy.js';
import { candlesFromCloses, loadReplayCandles } from '../../support/candles.js';
import { exits, longs, run } from './harness.js';
import { atrReference, closeTo, emaReference, rsiReference } from './reference.js';

describe('rsi_revert parameters', () => {
  it('when created with defaults then it warms up over the trend EMA', () => {
    expect(createStrategy('rsi_revert').warmupCandles).toBe(200);
    expect(createStrategy('rsi_revert', { trend_period: 10, rsi_period: 14 }).warmupCandles).toBe(16);
  });

  it.each<[StrategyParams, RegExp]>([
    [{ rsi_period: 1 }, /rsi_period must be an integer >= 2/],
    [{ rsi_period: 14.5 }, /rsi_period must be an integer >= 2/],
    [{ trend_period: '200' }, /trend_period must be a number/],
    [{ oversold: 0 }, /0 < oversold < exit_level <= overbought < 100/],
    [{ oversold: 50 }, /0 < oversold < exit_level <= overbought < 100/],
    [{ exit_level: 75 }, /0 < oversold < exit_level <= overbought < 100/],
    [{ overbought: 100 }, /0 < oversold < exit_level <= overbought < 100/],
    [{ atr_period: 0 }, /atr_period must be an integer >= 1/],
    [{ atr_stop_mult: 0 }, /atr_stop_mult must be > 0/],
    [{ atr_target_mult: -1 }, /atr_target_mult must be >= 0/],
    [{ min_score: 1.5 }, /min_score must be between 0 and 1/],
    [{ ev_window: 0 }, /ev_window must be an integer >= 1/],
    [{ ev_prior_trades: -1 }, /ev_prior_trades must be >= 0/],
    [{ period: 14 }, /has no parameter "period"/],
  ])('when given %o then it refuses with a RangeError', (overrides, message) => {
    expect(() => createStrategy('rsi_revert', overrides)).toThrow(RangeError);
    expect(() => createStrategy('rsi_revert', overrides)).toThrow(message);
  });

  it('when a parameter is missing then create refuses instead of defaulting', () => {
    const rest = Object.fromEntries(Object.entries(rsiRevert.defaults).filter(([key]) => key !== 'exit_level'));
    expect(() => rsiRevert.create(rest)).toThrow(/exit_level must be a number/);
  });
});

describe('rsi_revert on a hand-made dip in an uptrend', () => {
  const params = { rsi_period: 5, trend_period: 20, atr_period: 5 };
  const rally = Array.from({ length: 30 }, (_, i) => 100 + i);
  const candles = candlesFromCloses([...rally, 126, 123, 121, 122, 125, 129, 133]);

  it('when RSI climbs out of oversold above the trend then it goes long with stop < price < target', () => {
    const [entry, ...rest] = longs(run(createStrategy('rsi_revert', params), candles, 'flat'));
    expect(rest).toEqual([]);
    expect(entry?.index).toBe(33);
    expect(entry?.signal).toMatchObject({ direction: 'long', reason: 'rsi_oversold_cross_up', price: 122, trailing: null, expected_value_pct: 0, confidence: 0.5 });
    expect(entry!.signal.stop).toBeLessThan(122);
    expect(entry!.signal.target).toBeGreaterThan(122);
  });

  it('when RSI recovers past exit_level with a position then it exits', () => {
    const emitted = run(createStrategy('rsi_revert', params), candles, 'follow');
    expect(emitted.map((e) => [e.index, e.signal.direction, e.signal.reason])).toEqual([
      [33, 'long', 'rsi_oversold_cross_up'],
      [34, 'exit', 'rsi_exit_level'],
    ]);
  });

  it('when the same cross comes before warm-up ends then it is not signalled', () => {
    const longTrend = { ...params, trend_period: 40 };
    expect(candles[33]!.close).toBeGreaterThan(emaReference(candles.map((c) => c.close), 40)[33]!);
    const strategy = createStrategy('rsi_revert', longTrend);
    expect(run(strategy, candles, 'flat')).toEqual([]);
    expect(strategy.isWarm('TEST/USDT')).toBe(false);
  });

  it('when the same dip happens below the trend EMA then it stays out', () => {
    const downtrend = Array.from({ length: 30 }, (_, i) => 200 - 2 * i);
    const closes = [...downtrend, 138, 135, 133, 134, 137];
    const rsi = rsiReference(closes, 5);
    expect(rsi.some((v, i) => i > 0 && rsi[i - 1] != null && rsi[i - 1]! <= 30 && v! > 30 && v! < 50)).toBe(true);
    const dip = candlesFromCloses(closes);
    expect(run(createStrategy('rsi_revert', params), dip, 'flat')).toEqual([]);
  });

  it('when atr_target_mult is 0 then the entry has no target', () => {
    const [entry] = longs(run(createStrategy('rsi_revert', { ...params, atr_target_mult: 0 }), candles, 'flat'));
    expect(entry?.signal.target).toBeNull();
  });
});

describe('rsi_revert against the reference indicators on real BTC 5m candles', () => {
  const btc = loadReplayCandles('BTC', '5m');
  const closes = btc.map((c) => c.close);
  const rsi = rsiReference(closes, 14);
  const trend = emaReference(closes, 200);
  const atr = atrReference(btc, 14);
  const warm = (i: number) => i >= 199 && rsi[i - 1] != null;

  it('when the account is flat then it enters exactly where RSI crosses 30 (staying under 50) above EMA(200)', () => {
    const expected = btc.flatMap((c, i) => (warm(i) && rsi[i - 1]! <= 30 && rsi[i]! > 30 && rsi[i]! < 50 && c.close > trend[i]! ? [i] : []));
    const entries = longs(run(createStrategy('rsi_revert'), btc, 'flat'));
    expect(entries.map((e) => e.index)).toEqual(expected);
    expect(expected.length).toBeGreaterThan(0);
    for (const { index, signal } of entries) {
      let dipLow = rsi[index - 1]!;
      for (let j = index - 1; rsi[j] != null && rsi[j]! <= 30; j--) dipLow = Math.min(dipLow, rsi[j]!);
      expect(closeTo(signal.score, (30 - dipLow) / 30)).toBe(true);
      expect(closeTo(signal.stop!, closes[index]! - 2 * atr[index]!)).toBe(true);
      expect(closeTo(signal.target!, closes[index]! + 3 * atr[index]!)).toBe(true);
    }
  });

  it('when the account holds a position then it exits exactly where RSI is above 50, naming overbought from 70', () => {
    const expected = btc.flatMap((_, i) => (warm(i) && rsi[i]! > 50 ? [[i, rsi[i]! >= 70 ? 'rsi_overbought' : 'rsi_exit_level']] : []));
    expect(exits(run(createStrategy('rsi_revert'), btc, 'holding')).map((e) => [e.index, e.signal.reason])).toEqual(expected);
  });

  it('when earlier shadow trades have closed then later entries carry a measured, non-zero expected value', () => {
    const entries = longs(run(createStrategy('rsi_revert'), btc, 'flat'));
    expect(entries[0]?.signal).toMatchObject({ expected_value_pct: 0, confidence: 0.5 });
    expect(entries.some((e) => e.signal.expected_value_pct !== 0 && e.signal.confidence !== 0.5)).toBe(true);
  });
});
