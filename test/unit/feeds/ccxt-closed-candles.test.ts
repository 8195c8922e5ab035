import { describe, expect, it } from 'vitest';
import { ClosedCandles } from '../../../src/feeds/ccxt/closed-candles.js';
import { InvalidReplyError } from '../../../src/feeds/ccxt/fault.js';
import type { Candle } from '../../../src/model/candle.js';

const MIN = 60_000;
const T = Date.UTC(2024, 0, 1);
const c = (minute: number, close = 100 + minute): Candle => ({ symbol: 'BTC/USDT', ts: T + minute * MIN, open: close, high: close, low: close, close, volume: 1 });
const minutes = (candles: readonly Candle[]) => candles.map((x) => (x.ts - T) / MIN);

describe('ClosedCandles', () => {
  it('when a reply arrives then every row but the newest (still forming) is closed', () => {
    const closed = new ClosedCandles('BTC/USDT', MIN);
    expect(minutes(closed.accept([c(0), c(1), c(2)]).closed)).toEqual([0, 1]);
    expect(closed.cursor).toBe(T + MIN);
  });

  it('when the next reply overlaps the last one then only newly closed candles come out, once', () => {
    const closed = new ClosedCandles('BTC/USDT', MIN);
    closed.accept([c(0), c(1), c(2)]);
    expect(minutes(closed.accept([c(1), c(2)]).closed)).toEqual([]);
    expect(minutes(closed.accept([c(1), c(2), c(3)]).closed)).toEqual([2]);
    expect(closed.integrity).toEqual({ duplicates: 0, outOfOrder: 0, gaps: 0, missingCandles: 0, late: 0 });
  });

  it('when a reply repeats an open time then the repeat is counted and dropped', () => {
    const closed = new ClosedCandles('BTC/USDT', MIN);
    const { closed: out, events } = closed.accept([c(0), c(1), c(1, 999), c(2)]);
    expect(out.map((x) => x.close)).toEqual([100, 101]);
    expect(closed.integrity.duplicates).toBe(1);
    expect(events).toEqual([{ type: 'duplicate', ts: T + MIN }]);
  });

  it('when a reply has a row older than the one before it then it is counted and dropped', () => {
    const closed = new ClosedCandles('BTC/USDT', MIN);
    expect(minutes(closed.accept([c(0), c(2), c(1), c(3)]).closed)).toEqual([0, 2]);
    expect(closed.integrity.outOfOrder).toBe(1);
  });

  it('when candles are missing between two closed ones then the gap and the missing count are recorded', () => {
    const closed = new ClosedCandles('BTC/USDT', MIN);
    closed.accept([c(0), c(1)]);
    const { closed: out, events } = closed.accept([c(0), c(4), c(5)]);
    expect(minutes(out)).toEqual([4]);
    expect(closed.integrity).toMatchObject({ gaps: 1, missingCandles: 3 });
    expect(events).toEqual([{ type: 'gap', from: T, to: T + 4 * MIN, missing: 3 }]);
  });

  it('when the exchange answers with nothing newer than what already closed then the reply is invalid and counted', () => {
    const closed = new ClosedCandles('BTC/USDT', MIN);
    closed.accept([c(0), c(1), c(2)]);
    expect(() => closed.accept([c(0), c(1)])).toThrow(InvalidReplyError);
    expect(closed.integrity.outOfOrder).toBe(1);
    expect(closed.cursor).toBe(T + MIN);
  });

  it('when a reply holds only the forming candle then nothing is closed yet', () => {
    const closed = new ClosedCandles('BTC/USDT', MIN);
    expect(closed.accept([c(0)]).closed).toEqual([]);
    expect(closed.cursor).toBeNull();
  });
});
