import { afterEach, describe, expect, it } from 'vitest';
import { Faults, LoopbackExchange, LoopbackRoute } from '../support/loopback-exchange.js';
import { startDaemon, statusOf, tempHome, waitFor, writeConfig } from '../support/daemon.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('paperlive run --feed ccxt, against a loopback Binance', () => {
  it('when the exchange serves candles then the daemon trades on them; when klines fail it goes stale, and recovers by itself', async () => {
    const ex = await LoopbackExchange.start({ marketTime: Date.UTC(2023, 3, 3, 12, 0) });
    cleanups.push(() => ex.close());
    cleanups.push(ex.autoAdvance(60_000, 1_000));
    const home = tempHome();
    writeConfig(
      home,
      `status_interval_s: 0.2
heartbeat_interval_s: 0.2
feed:
  source: ccxt
  poll_interval_s: 1
  stale_after_s: 3
  ccxt_options: ${JSON.stringify(ex.ccxtOptions({ rateLimit: 1, timeout: 1000 }))}
strategies: { challengers: [] }
`,
    );
    const child = startDaemon(home);
    cleanups.push(() => child.kill('SIGKILL'));
    const healthy = await waitFor('a healthy live feed', () => {
      const s = statusOf(home);
      return s?.feed.healthy && s.market_time ? s : null;
    }, 40_000, 50);
    expect(healthy.feed.source).toBe('ccxt:binance');
    expect(Date.parse(healthy.market_time)).toBeLessThan(ex.marketTime);
    const first = Date.parse(healthy.market_time);
    await waitFor('market time moving', () => Date.parse(statusOf(home)?.market_time ?? '0') > first, 10_000);

    ex.inject(LoopbackRoute.klines, Faults.serverError(), { times: 1_000 });
    const stale = await waitFor('a stale feed', () => {
      const s = statusOf(home);
      return s && !s.feed.healthy ? s : null;
    }, 20_000, 50);
    expect(stale.is_alive).toBe(true);
    expect(stale.trading_state).toBe('ACTIVE');
    expect(stale.risk.reasons).toContain('feed_stale');
    expect(stale.feed.stale_symbols.length).toBeGreaterThan(0);

    ex.clearFaults();
    await waitFor('recovery', () => statusOf(home)?.feed.healthy === true, 30_000, 50);
    child.kill('SIGTERM');
    expect((await child).exitCode).toBe(0);
  });
});
