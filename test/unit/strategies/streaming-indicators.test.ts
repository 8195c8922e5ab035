import { ATR, DonchianChannels, RSI, WSMA } from 'trading-signals';
import { describe, expect, it } from 'vitest';
import { RollingDonchianChannels, StreamingRSI, WilderSmoothing } from '../../../src/strategies/streaming-indicators.js';
import { loadReplayCandles } from '../../support/candles.js';

const candles = loadReplayCandles('ETH', '1m', 2_000);
const closes = candles.map((c) => c.close);

/**
 * Which inputs replace the previous one: a fixed pseudo-random third of them, plus one right
 * after the seed is complete and one right after the first smoothed value.
 */
function replacePattern(length: number, period: number): boolean[] {
  let seed = 11;
  const next = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  const forced = new Set([period, period + 1]);
  let added = 0;
  return Array.from({ length }, (_, i) => {
    const replace = i > 0 && (forced.delete(added) || next() < 1 / 3);
    if (!replace) added++;
    return replace;
  });
}

/** Every result of `indicator` over `inputs`, each one added, or replacing the last where `replaces` says so. */
function feed<I, R>(indicator: { add(input: I): R; replace(input: I): R }, inputs: readonly I[], replaces: readonly boolean[] = []): R[] {
  return inputs.map((input, i) => (replaces[i] ? indicator.replace(input) : indicator.add(input)));
}

describe('WilderSmoothing, an O(1) stand-in for trading-signals WSMA', () => {
  it.each([1, 2, 14, 50])('when fed 2,000 real closes with period %i then every result is the same double as WSMA', (period) => {
    const mine = new WilderSmoothing(period);
    const library = new WSMA(period);
    const actual = feed(mine, closes);
    const expected = feed(library, closes);
    expect(actual.findIndex((v) => v !== null)).toBe(period - 1);
    expect(actual).toEqual(expected);
    expect(mine.isStable).toBe(true);
  });

  it.each([1, 3, 14])('when inputs are replaced during and after the seed (period %i) then every result is the same double as WSMA', (period) => {
    const replaces = replacePattern(400, period);
    const mine = new WilderSmoothing(period);
    const library = new WSMA(period);
    // Values that differ from the close they replace, so a replace that did nothing would show.
    const inputs = closes.slice(0, 400).map((c, i) => (replaces[i] ? c * 1.01 : c));
    const actual = feed(mine, inputs, replaces);
    const expected = feed(library, inputs, replaces);
    expect(actual).toEqual(expected);
  });

  it('when it smooths ATR(14) and RSI(14) on real candles then both give the library defaults exactly', () => {
    const atr = new ATR(14, WilderSmoothing);
    const atrDefault = new ATR(14);
    const rsi = new RSI(14, WilderSmoothing);
    const rsiDefault = new RSI(14);
    expect(feed(atr, candles)).toEqual(feed(atrDefault, candles));
    expect(feed(rsi, closes)).toEqual(feed(rsiDefault, closes));
  });

  it('when the seed is still incomplete then it has no result, as WSMA', () => {
    const mine = new WilderSmoothing(3);
    expect(mine.add(1)).toBeNull();
    expect(mine.replace(5)).toBeNull();
    expect(mine.add(2)).toBeNull();
    expect(mine.isStable).toBe(false);
    expect(mine.add(3)).toBe(10 / 3);
    expect(mine.add(13)).toBe((13 - 10 / 3) / 3 + 10 / 3);
  });
});

describe('StreamingRSI, an O(1) stand-in for trading-signals RSI', () => {
  it.each([1, 2, 14, 50])('when fed 2,000 real closes with period %i then every result is the same double as the library\'s RSI', (period) => {
    const actual = feed(new StreamingRSI(period), closes);
    expect(actual).toEqual(feed(new RSI(period), closes));
    expect(actual).toEqual(feed(new RSI(period, WilderSmoothing), closes));
    expect(actual.findIndex((v) => v !== null)).toBe(period === 1 ? -1 : period); // RSI(1) never has a result in the library either
  });

  it.each([2, 3, 14])('when prices are replaced during and after the seed (period %i) then every result is the same double as the library\'s', (period) => {
    const replaces = replacePattern(600, period);
    // A replacement well away from the close it replaces, so that a replace that did nothing would show.
    const inputs = closes.slice(0, 600).map((c, i) => (replaces[i] ? c * (i % 2 === 0 ? 1.01 : 0.99) : c));
    expect(feed(new StreamingRSI(period), inputs, replaces)).toEqual(feed(new RSI(period), inputs, replaces));
  });

  it('when prices only rise then it is 100, as the library says with no losses', () => {
    const rising = Array.from({ length: 30 }, (_, i) => 100 + i);
    const actual = feed(new StreamingRSI(14), rising);
    expect(actual.at(-1)).toBe(100);
    expect(actual).toEqual(feed(new RSI(14), rising));
  });
});

describe('RollingDonchianChannels, an amortised O(1) stand-in for trading-signals DonchianChannels', () => {
  it.each([1, 2, 10, 20, 55])('when fed 2,000 real candles with period %i then every band is the library\'s', (period) => {
    const mine = new RollingDonchianChannels(period);
    const library = new DonchianChannels(period);
    const actual = feed(mine, candles);
    const expected = feed(library, candles);
    expect(actual.findIndex((v) => v !== null)).toBe(period - 1);
    expect(actual).toEqual(expected);
  });

  it.each([1, 3, 20])('when candles are replaced during and after the first full window (period %i) then every band is the library\'s', (period) => {
    const replaces = replacePattern(600, period);
    const mine = new RollingDonchianChannels(period);
    const library = new DonchianChannels(period);
    // A replacement well outside the candle it replaces, so that a replace that did nothing would show.
    const inputs = candles.slice(0, 600).map((c, i) => (replaces[i] ? { high: c.high * 1.02, low: c.low * 0.98 } : c));
    const actual = feed(mine, inputs, replaces);
    const expected = feed(library, inputs, replaces);
    expect(actual).toEqual(expected);
  });

  it('when highs fall, rise and repeat then the band holds each extreme exactly until it leaves the window', () => {
    const channel = new RollingDonchianChannels(3);
    const bands = [9, 8, 7, 7, 8, 9, 9, 1].map((x) => channel.add({ high: x, low: x })?.upper ?? null);
    expect(bands).toEqual([null, null, 9, 8, 8, 9, 9, 9]);
    const lows = [1, 2, 3, 3, 2, 1, 1, 9].map((x) => new RollingDonchianChannels(1).add({ high: x, low: x })?.lower);
    expect(lows).toEqual([1, 2, 3, 3, 2, 1, 1, 9]);
  });
});
