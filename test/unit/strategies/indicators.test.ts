import { ATR, DonchianChannels, EMA, RSI } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { loadReplayCandles } from '../../support/candles.js';
import { atrReference, closeTo, donchianReference, emaReference, rsiReference } from './reference.js';

const candles = loadReplayCandles('BTC', '1m', 500);
const closes = candles.map((c) => c.close);

/** Indices where the library and the reference disagree (beyond 1e-9 relative), for a readable failure. */
function mismatches(actual: ReadonlyArray<number | null>, expected: ReadonlyArray<number | null>): number[] {
  return expected.flatMap((e, i) => (closeTo(actual[i] ?? null, e) ? [] : [i]));
}

describe('trading-signals against textbook formulas on 500 real BTC 1m candles', () => {
  it('loads the slice when the CSV is read then it has 500 ordered candles', () => {
    expect(candles).toHaveLength(500);
    expect(candles.every((c, i) => i === 0 || c.ts > candles[i - 1]!.ts)).toBe(true);
  });

  it.each([2, 14, 50, 200])('EMA(%i) when fed every close then it matches an EMA seeded with the first close', (period) => {
    const ema = new EMA(period);
    const actual = closes.map((c) => ema.add(c));
    expect(mismatches(actual, emaReference(closes, period))).toEqual([]);
  });

  it.each([14, 50])('EMA(%i) when compared with an SMA-seeded EMA then it differs: the library seeds with the first close', (period) => {
    const ema = new EMA(period);
    const actual = closes.map((c) => ema.add(c));
    const smaSeeded = emaReference(closes, period, 'sma');
    expect(closeTo(actual[period - 1]!, smaSeeded[period - 1]!)).toBe(false);
    expect(ema.isStable).toBe(true);
  });

  it.each([2, 7, 14, 30])('RSI(%i) when fed every close then it matches Wilder RSI with an SMA seed', (period) => {
    const rsi = new RSI(period);
    const actual = closes.map((c) => rsi.add(c));
    const expected = rsiReference(closes, period);
    expect(actual.findIndex((v) => v !== null)).toBe(period);
    expect(mismatches(actual, expected)).toEqual([]);
  });

  it.each([1, 5, 14, 50])('ATR(%i) when fed every candle then it matches Wilder ATR seeded with the mean of the first true ranges', (period) => {
    const atr = new ATR(period);
    const actual = candles.map((c) => atr.add(c));
    expect(actual.findIndex((v) => v !== null)).toBe(period - 1);
    expect(mismatches(actual, atrReference(candles, period))).toEqual([]);
  });

  it.each([1, 10, 20, 55])('Donchian(%i) when fed every candle then its bands are the window high and low including the current candle', (period) => {
    const dc = new DonchianChannels(period);
    const actual = candles.map((c) => dc.add(c));
    const expected = donchianReference(candles, period);
    expect(mismatches(actual.map((b) => b?.upper ?? null), expected.map((b) => b?.upper ?? null))).toEqual([]);
    expect(mismatches(actual.map((b) => b?.lower ?? null), expected.map((b) => b?.lower ?? null))).toEqual([]);
  });
});
