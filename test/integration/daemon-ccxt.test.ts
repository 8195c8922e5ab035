import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Faults, LoopbackExchange, LoopbackRoute } from '../support/loopback-exchange.js';
import { cli, heartbeatOf, startDaemon, statusOf, tempHome, waitFor, writeConfig } from '../support/daemon.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * A loopback Binance (its clock moving a minute per second when `advancing`) and a daemon home
 * whose ccxt feed points at it, with `settings` (YAML lines) before the feed block.
 */
async function liveSetup(options: { advancing: boolean; settings?: string; feed?: string }) {
  const ex = await LoopbackExchange.start({ marketTime: Date.UTC(2023, 3, 3, 12, 0) });
  cleanups.push(() => ex.close());
  if (options.advancing) cleanups.push(ex.autoAdvance(60_000, 1_000));
  const home = tempHome();
  const ccxt = JSON.stringify(ex.ccxtOptions({ rateLimit: 1, timeout: 1000 }));
  writeConfig(home, `${options.settings ?? ''}feed:\n  source: ccxt\n${options.feed ?? ''}  ccxt_options: ${ccxt}\nstrategies: { challengers: [] }\n`);
  return { ex, home };
}

describe('paperlive run --feed ccxt, against a loopback Binance', () => {
  it('when the exchange serves candles then the daemon trades on them; when klines fail it goes stale, and recovers by itself', async () => {
    const { ex, home } = await liveSetup({ advancing: true, settings: 'status_interval_s: 0.2\nheartbeat_interval_s: 0.2\n', feed: '  poll_interval_s: 1\n  stale_after_s: 3\n' });
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

  it('when the feed goes stale between status intervals then status.json says so at once, not at the next interval', async () => {
    const { ex, home } = await liveSetup({ advancing: true, settings: 'status_interval_s: 600\nheartbeat_interval_s: 600\n', feed: '  poll_interval_s: 1\n  stale_after_s: 2\n' });
    const child = startDaemon(home);
    cleanups.push(() => child.kill('SIGKILL'));
    await waitFor('a healthy feed in status.json', () => statusOf(home)?.feed.healthy === true, 40_000, 50);
    ex.inject(LoopbackRoute.klines, Faults.serverError(), { times: 100_000 });
    const failedAt = Date.now();
    const stale = await waitFor('a stale feed in status.json', () => {
      const s = statusOf(home);
      return s && !s.feed.healthy ? s : null;
    }, 20_000, 50);
    // stale_after_s is 2 and a poll comes every second: far sooner than the 600 s interval.
    expect(Date.now() - failedAt).toBeLessThan(10_000);
    expect(stale.risk.reasons).toContain('feed_stale');
    child.kill('SIGTERM');
    expect((await child).exitCode).toBe(0);
  });

  it('when the exchange is down at start then status.json and the heartbeat say alive and not trading (markets_loading), until the markets load', async () => {
    const { ex, home } = await liveSetup({ advancing: true, settings: 'status_interval_s: 0.2\nheartbeat_interval_s: 0.2\n', feed: '  poll_interval_s: 1\n' });
    ex.inject(LoopbackRoute.exchangeInfo, Faults.serverError(), { times: 100_000 });
    fs.writeFileSync(path.join(home, 'PAUSE'), '');
    expect((await cli(['production', '--home', home, '--add-challenger', 'rsi_revert'])).exitCode).toBe(0);
    fs.writeFileSync(path.join(home, 'data', 'live_kill_switch.txt'), 'set by the operator\n'); // live orders only: paper trading goes on
    const child = startDaemon(home);
    cleanups.push(() => child.kill('SIGKILL'));
    await waitFor('the markets failing to load', () => ex.requests({ route: LoopbackRoute.exchangeInfo }).length >= 2, 20_000);
    const loading = await waitFor('a status while the markets load', () => statusOf(home));
    expect(loading).toMatchObject({
      is_alive: true,
      pid: child.pid,
      trading_state: 'PAUSED',
      market_time: null,
      feed: { source: 'ccxt:binance', healthy: false, stale_symbols: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'] },
      account: { balance: 10_000, equity: 10_000, open_positions: 0 },
      risk: { can_trade: false, reasons: ['paused', 'markets_loading'], paused: true, kill_switch: true, capital_preservation: 'NORMAL' },
      active_positions: [],
      strategies: { champion: 'ema_trend', challengers: ['rsi_revert'] },
    });
    expect(heartbeatOf(home)).toMatchObject({ status: 'alive', pid: child.pid, feed_healthy: false, last_candle_processed_at: null });
    fs.rmSync(path.join(home, 'PAUSE'));
    ex.clearFaults();
    const trading = await waitFor('market data once the markets load', () => {
      const s = statusOf(home);
      return s?.market_time ? s : null;
    }, 30_000);
    expect(trading.risk.reasons).not.toContain('markets_loading');
    expect(trading).toMatchObject({ is_alive: true, trading_state: 'ACTIVE' });
    child.kill('SIGTERM');
    expect((await child).exitCode).toBe(0);
  });

  it.each([
    ['SHUTDOWN', 0, false, ''],
    ['EMERGENCY_STOP', 4, true, 'open positions stay in the ledger, not closed'],
  ])('when the exchange is down at start then a %s file still stops the daemon (exit %i)', async (file, code, fileStays, says) => {
    const { ex, home } = await liveSetup({ advancing: false });
    ex.inject(LoopbackRoute.exchangeInfo, Faults.serverError(), { times: 100_000 });
    const child = startDaemon(home);
    cleanups.push(() => child.kill('SIGKILL'));
    await waitFor('the markets failing to load', () => ex.requests({ route: LoopbackRoute.exchangeInfo }).length >= 2, 20_000);
    fs.writeFileSync(path.join(home, file), '');
    const exit = await Promise.race([child, new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000))]);
    expect(exit?.exitCode).toBe(code);
    expect(exit?.stderr).toContain(says);
    expect(fs.existsSync(path.join(home, file))).toBe(fileStays);
    expect(statusOf(home)).toMatchObject({ is_alive: false, trading_state: code === 4 ? 'EMERGENCY_STOPPED' : 'STOPPED', risk: { can_trade: false, emergency_stop: code === 4 } });
    expect(heartbeatOf(home)).toMatchObject({ status: 'stopped', pid: child.pid });
  });
});
