import { describe, expect, it } from 'vitest';
import { createStrategy } from '../../../src/strategies/registry.js';
import type { StrategyParams } from '../../../src/strategies/strategy.js';
import { candlesFromCloses, loadReplayCandles } from '../../support/candles.js';
import { exits, longs, run } from './harness.js';
import { atrReference, closeTo, emaReference } from './reference.js';

describe('ema_trend on hand-made swings', () => {
  const params = { fast: 3, slow: 6, atr_period: 3 };
  const down = Array.from({ length: 15 }, (_, i) => 120 - i);
  const up = Array.from({ length: 15 }, (_, i) => 106 + 2 * i);
  const downAgain = Array.from({ length: 15 }, (_, i) => 133 - 2 * i);
  const candles = candlesFromCloses([...down, ...up, ...downAgain]);

  it('when the EMAs cross on every candle then the crosses during warm-up are not signalled', () => {
    expect(createStrategy('ema_trend', params).warmupCandles).toBe(7);
    const closes = [100, 100, 120, 80, 120, 80, 120, 80, 120, 80, 120, 80];
    const [fast, slow] = [emaReference(closes, 3), emaReference(closes, 6)];
    expect(closes.map((_, i) => Math.sign(fast[i]! - slow[i]!))).toEqual([0, 0, 1, -1, 1, -1, 1, -1, 1, -1, 1, -1]);
    const zigzag = candlesFromCloses(closes);
    expect(run(createStrategy('ema_trend', params), zigzag, 'holding').map((e) => e.index)).toEqual([7, 9, 11]);
    expect(run(createStrategy('ema_trend', params), zigzag, 'flat').map((e) => e.index)).toEqual([6, 8, 10]);
  });

  it('when the EMAs cross on the candle that completes the warm-up then that cross is signalled, the strategy being warm', () => {
    const strategy = createStrategy('ema_trend', params);
    const closes = [100, 100, 100, 100, 100, 90, 130];
    const [fast, slow] = [emaReference(closes, 3), emaReference(closes, 6)];
    expect(fast[5]! - slow[5]!).toBeLessThan(0);
    expect(fast[6]! - slow[6]!).toBeGreaterThan(0);
    const emitted = run(strategy, candlesFromCloses(closes), 'flat');
    expect(emitted.map((e) => [e.index, e.signal.reason])).toEqual([[strategy.warmupCandles - 1, 'ema_cross_up']]);
    expect(strategy.isWarm('TEST/USDT')).toBe(true);
  });

  it('when the fast EMA crosses above the slow one then it goes long with stop < price < target', () => {
    const [entry] = longs(run(createStrategy('ema_trend', params), candles, 'flat'));
    expect(entry?.index).toBe(17);
    expect(entry?.signal).toMatchObject({ direction: 'long', reason: 'ema_cross_up', price: 110, trailing: null });
    expect(entry!.signal.stop).toBeLessThan(110);
    expect(entry!.signal.target).toBeGreaterThan(110);
  });

  it('when the fast EMA crosses back down with a position then it exits', () => {
    const emitted = run(createStrategy('ema_trend', params), candles, 'follow');
    expect(emitted.map((e) => [e.index, e.signal.direction, e.signal.reason])).toEqual([
      [17, 'long', 'ema_cross_up'],
      [33, 'exit', 'ema_cross_down'],
    ]);
  });

  it('when the fast EMA crosses back down without a position then it says nothing', () => {
    expect(exits(run(createStrategy('ema_trend', params), candles, 'flat'))).toEqual([]);
  });

  it.each<[StrategyParams, RegExp]>([
    [{ fast: 26, slow: 12 }, /slow must be greater than fast/],
    [{ fast: 0 }, /fast at least 1/],
    [{ atr_stop_mult: 0 }, /atr_stop_mult must be > 0/],
    [{ slow: '26' }, /slow must be a number/],
    [{ atr_period: 0 }, /atr_period must be an integer >= 1/],
    [{ atr_period: 14.5 }, /atr_period must be an integer >= 1/],
    [{ atr_target_mult: -4 }, /atr_target_mult must be >= 0/],
  ])('when given %o then it refuses with a RangeError', (overrides, message) => {
    expect(() => createStrategy('ema_trend', overrides)).toThrow(message);
  });
});

describe('ema_trend against the reference EMAs on real BTC 5m candles', () => {
  const btc = loadReplayCandles('BTC', '5m');
  const closes = btc.map((c) => c.close);
  const fast = emaReference(closes, 12);
  const slow = emaReference(closes, 26);
  const atr = atrReference(btc, 14);
  const diff = closes.map((_, i) => fast[i]! - slow[i]!);

  it.each([
    ['flat', 'long', (i: number) => diff[i - 1]! <= 0 && diff[i]! > 0],
    ['holding', 'exit', (i: number) => diff[i - 1]! >= 0 && diff[i]! < 0],
  ] as const)('when the account is %s then it signals %s exactly at the reference crosses', (mode, direction, crossed) => {
    const expected = btc.flatMap((_, i) => (i >= 26 && crossed(i) ? [i] : []));
    const emitted = run(createStrategy('ema_trend'), btc, mode);
    expect(emitted.every((e) => e.signal.direction === direction)).toBe(true);
    expect(emitted.map((e) => e.index)).toEqual(expected);
    for (const { index, signal } of longs(emitted)) {
      expect(closeTo(signal.stop!, closes[index]! - 2 * atr[index]!)).toBe(true);
      expect(closeTo(signal.target!, closes[index]! + 4 * atr[index]!)).toBe(true);
    }
  });
});
