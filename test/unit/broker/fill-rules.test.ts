import { describe, expect, it } from 'vitest';
import { ceilToTick, exitInsideCandle, floorToTick, raisedTrailingStop, slippedPrice, type ExitTrigger } from '../../../src/model/fill-rules.js';
import type { TrailingSpec } from '../../../src/model/signal.js';

describe('slippedPrice', () => {
  it.each<[string, number, 'buy' | 'sell', number, number, number]>([
    ['a buy without a tick', 100, 'buy', 5, 0, 100.05],
    ['a sell without a tick', 100, 'sell', 5, 0, 99.95],
    ['a buy between ticks', 24_899.18, 'buy', 5, 0.01, 24_911.63],
    ['a sell between ticks', 24_899.18, 'sell', 5, 0.01, 24_886.73],
    ['a buy just past a tick pays the tick above', 100.03, 'buy', 5, 0.01, 100.09],
    ['a sell just short of a tick gets the tick below', 100.07, 'sell', 5, 0.01, 100.01],
    ['a buy landing on a tick', 100, 'buy', 10, 0.1, 100.1],
    ['no slippage on a tick price', 0.3, 'buy', 0, 0.1, 0.3],
  ])('when %s then the price moves against the taker onto the tick', (_, reference, side, bps, tick, expected) => {
    expect(slippedPrice(reference, side, bps, tick)).toBeCloseTo(expected, 10);
  });

  it.each<[number, number, number, number]>([
    [0.1 + 0.2, 0.1, 0.3, 0.3],
    [1.005, 0.01, 1.01, 1],
    [97_000.004, 0.01, 97_000.01, 97_000],
  ])('when %s is put on tick %s then ceil gives %s and floor %s, without float noise', (price, tick, up, down) => {
    expect(ceilToTick(price, tick)).toBe(up);
    expect(floorToTick(price, tick)).toBe(down);
  });
});

describe('exitInsideCandle', () => {
  const bar = (open: number, high: number, low: number) => ({ open, high, low });
  it.each<[string, ReturnType<typeof bar>, number, number | null, number | null, ExitTrigger | null]>([
    ['nothing is reached', bar(100, 104, 96), 95, null, 105, null],
    ['the low touches the stop', bar(100, 101, 95), 95, null, null, { kind: 'stop', price: 95, market: true }],
    ['the open gaps below the stop', bar(90, 92, 88), 95, null, 105, { kind: 'stop', price: 90, market: true }],
    ['stop and target share the candle', bar(100, 110, 94), 95, null, 105, { kind: 'stop', price: 95, market: true }],
    ['the high trades through the target', bar(100, 105.5, 99), 95, null, 105, { kind: 'target', price: 105, market: false }],
    ['the high only touches the target', bar(100, 105, 99), 95, null, 105, null],
    // The open is the candle's first trade: above the resting target it has filled before any low.
    ['the open gaps above the target and the low later reaches the stop', bar(106, 107, 94), 95, null, 105, { kind: 'target', price: 105, market: false }],
    ['the open only touches the target and the low reaches the stop', bar(105, 107, 94), 95, null, 105, { kind: 'stop', price: 95, market: true }],
    ['the trailing stop is above the stop', bar(100, 101, 97), 95, 98, null, { kind: 'trailing_stop', price: 98, market: true }],
    ['the trailing stop is below the stop', bar(100, 101, 94.5), 95, 94, null, { kind: 'stop', price: 95, market: true }],
  ])('when %s then the exit follows the pessimistic rule, within what the candle proves', (_, candle, stop, trailing, target, expected) => {
    expect(exitInsideCandle(candle, stop, trailing, target)).toEqual(expected);
  });
});

describe('raisedTrailingStop', () => {
  const spec = (only: boolean): TrailingSpec => ({ distance_pct: 2, offset_pct: 3, only_after_offset: only });
  const at = (highWater: number, trailingStop: number | null = null) => ({ entry: 100, stop: 95, highWater, trailingStop });
  it.each<[string, ReturnType<typeof at>, TrailingSpec | null, number, number | null]>([
    ['no trailing spec', at(110), null, 0, null],
    ['the offset is not reached', at(102.9), spec(true), 0, null],
    ['the offset is reached', at(103), spec(true), 0, 100.94],
    ['trailing from the start', at(101), spec(false), 0, 98.98],
    ['the candidate is below the stop', at(96.9), spec(false), 0, null],
    ['the candidate is below the current trailing stop', at(104, 102), spec(false), 0, null],
    ['the candidate needs the tick below', at(103.33), spec(false), 0.05, 101.25],
  ])('when %s then the trailing stop is %s', (_, position, trailing, tick, expected) => {
    const result = raisedTrailingStop(position, trailing, tick);
    if (expected === null) expect(result).toBeNull();
    else expect(result).toBeCloseTo(expected, 10);
  });
});
