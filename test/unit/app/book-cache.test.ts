import { describe, expect, it } from 'vitest';
import { BookCache } from '../../../src/app/live-market.js';
import type { CcxtFeed } from '../../../src/feeds/ccxt/ccxt-feed.js';
import { memoryLogger } from '../../support/memory-logger.js';

/** A feed whose order book fails `failures` times, then answers; the clock is the test's. */
function setup(failures: number) {
  const clock = { t: 1_000_000 };
  const calls: number[] = [];
  let left = failures;
  const feed = {
    fetchOrderBook: async () => {
      calls.push(clock.t);
      if (left-- > 0) throw new Error('503 Service Unavailable');
      return { bids: [[99, 1]], asks: [[101, 1]], receivedAt: clock.t };
    },
  } as unknown as CcxtFeed;
  const log = memoryLogger();
  // random 1: every wait is its ceiling (1 s, 2 s, 4 s, …), so the schedule is exact.
  const cache = new BookCache(feed, () => clock.t, log, () => 1);
  return { clock, calls, log, cache };
}

describe('BookCache: live order books for the broker', () => {
  it('when the book keeps failing then refreshes back off exponentially and it warns once', async () => {
    const { clock, calls, log, cache } = setup(Infinity);
    // The live loop asks every 2 s, for two minutes.
    for (let tick = 0; tick < 60; tick++) {
      await cache.refresh(['BTC/USDT']);
      clock.t += 2_000;
    }
    const gaps = calls.slice(1).map((t, i) => t - calls[i]!);
    expect(gaps.slice(0, 6)).toEqual([2_000, 2_000, 4_000, 8_000, 16_000, 32_000]);
    expect(calls.length).toBeLessThanOrEqual(9);
    expect(log.lines.filter((l) => l.level === 'warn')).toHaveLength(1);
    expect(cache.levels('BTC/USDT', 'buy')).toBeNull();
  });

  it('when the book answers again after failures then it is used, said once, and refreshed on every request from then on', async () => {
    const { clock, calls, log, cache } = setup(3);
    for (let tick = 0; tick < 20; tick++) {
      await cache.refresh(['BTC/USDT']);
      clock.t += 2_000;
    }
    const firstSuccess = calls[3]!;
    expect(calls.filter((t) => t > firstSuccess).every((t, i, later) => i === 0 || t - later[i - 1]! === 2_000)).toBe(true);
    expect(log.lines.filter((l) => l.level === 'info' && l.msg.includes('refreshed again'))).toHaveLength(1);
    expect(cache.levels('BTC/USDT', 'buy')).toEqual([[101, 1]]);
  });

  it('when the book answers then it is refreshed on every request', async () => {
    const { clock, calls, cache } = setup(0);
    for (let tick = 0; tick < 5; tick++) {
      await cache.refresh(['BTC/USDT']);
      clock.t += 2_000;
    }
    expect(calls).toHaveLength(5);
  });
});
