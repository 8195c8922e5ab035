import { describe, expect, it } from 'vitest';
import type { Candle } from '../../../src/model/candle.js';
import { EdgeTracker, type ShadowPlan } from '../../../src/strategies/edge-tracker.js';

const bar = (open: number, high: number, low: number, close: number): Candle => ({ symbol: 'X/USDT', ts: 0, open, high, low, close, volume: 1 });
const plan = (stopDistance: number, targetDistance: number | null = null, trailing: ShadowPlan['trailing'] = null): ShadowPlan => ({ stopDistance, targetDistance, trailing });

/** Signals an entry, then plays the candles; returns the tracker (prior 0 so the mean is plain). */
function trade(entryPlan: ShadowPlan, candles: readonly Candle[]): EdgeTracker {
  const tracker = new EdgeTracker(10, 0);
  tracker.enter(entryPlan);
  for (const c of candles) tracker.advance(c);
  return tracker;
}

describe('EdgeTracker shadow fills', () => {
  it.each<[string, ShadowPlan, Candle[], number]>([
    ['the stop is touched', plan(5), [bar(100, 101, 94, 96)], -5],
    ['the open gaps below the stop', plan(5), [bar(100, 101, 99, 100), bar(90, 92, 88, 91)], -10],
    ['the target is touched', plan(5, 10), [bar(100, 111, 99, 108)], 10],
    ['stop and target share a candle', plan(5, 10), [bar(100, 111, 94, 108)], -5],
    ['the trail moved up before the drop', plan(5, null, { distance_pct: 2, offset_pct: 1, only_after_offset: true }), [bar(100, 110, 99, 109), bar(109, 109, 100, 101)], 7.8],
    ['the trail waits for the offset', plan(5, null, { distance_pct: 2, offset_pct: 1, only_after_offset: true }), [bar(100, 100.5, 99, 100), bar(100, 100, 95, 96)], -5],
    ['the trail runs from the start', plan(5, null, { distance_pct: 2, offset_pct: 1, only_after_offset: false }), [bar(100, 100.5, 99, 100), bar(100, 100, 95, 96)], -1.51],
  ])('when %s then the trade closes at the rule price', (_, entryPlan, candles, pct) => {
    const tracker = trade(entryPlan, candles);
    expect(tracker.trades).toBe(1);
    expect(tracker.expectedValuePct).toBeCloseTo(pct, 9);
    expect(tracker.busy).toBe(false);
  });

  it('when the entry is signalled then it fills at the next open, not at the signal close', () => {
    const tracker = trade(plan(5, 10), [bar(102, 103, 101, 102)]);
    expect(tracker.busy).toBe(true);
    tracker.exit();
    tracker.advance(bar(104.04, 105, 104, 105));
    expect(tracker.expectedValuePct).toBeCloseTo(2, 9);
  });

  it('when a trade is open then another entry is ignored', () => {
    const tracker = trade(plan(5), [bar(100, 101, 99, 100)]);
    tracker.enter(plan(1));
    tracker.advance(bar(100, 100, 98.5, 99));
    expect(tracker.trades).toBe(0);
  });
});

describe('EdgeTracker statistics', () => {
  function withReturns(returns: readonly number[], window: number, prior: number): EdgeTracker {
    const tracker = new EdgeTracker(window, prior);
    for (const pct of returns) {
      tracker.enter(plan(1_000));
      tracker.advance(bar(100, 100, 100, 100));
      tracker.exit();
      tracker.advance(bar(100 + pct, 100, 100, 100));
    }
    return tracker;
  }

  it.each<[string, number[], number, number, number, number]>([
    ['no trade has closed', [], 50, 10, 0, 0.5],
    ['trades closed, no prior', [2, -1, 2], 50, 0, 1, 3 / 5],
    ['trades closed, shrunk by a prior of 7', [2, -1, 2], 50, 7, 0.3, 3 / 5],
    ['more trades than the window', [-9, -9, 1, 2, 3], 3, 0, 2, 4 / 5],
  ])('when %s then EV and win probability follow', (_, returns, window, prior, ev, win) => {
    const tracker = withReturns(returns, window, prior);
    expect(tracker.trades).toBe(Math.min(returns.length, window));
    expect(tracker.expectedValuePct).toBeCloseTo(ev, 9);
    expect(tracker.winProbability).toBeCloseTo(win, 12);
  });
});
