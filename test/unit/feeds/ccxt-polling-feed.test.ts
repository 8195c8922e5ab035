import { describe, expect, it } from 'vitest';
import { PollingCcxtFeed, type CcxtFeedOptions } from '../../../src/feeds/ccxt/ccxt-feed.js';
import type { CandleReply, ExchangeClient } from '../../../src/feeds/ccxt/exchange-client.js';
import { FaultKind, type Fault } from '../../../src/feeds/ccxt/fault.js';
import type { Candle } from '../../../src/model/candle.js';
import { OperationalError } from '../../../src/model/errors.js';
import type { MarketSpec } from '../../../src/model/market.js';
import type { Logger } from '../../../src/ports/logger.js';
import type { CandleBatch } from '../../../src/ports/market-feed.js';

/** The polling loop with a scripted client and a fake clock that advances by exactly what the feed sleeps. */

const MIN = 60_000;
const T = Date.UTC(2024, 0, 1);

class ScriptedError extends Error {
  constructor(
    readonly kind: FaultKind,
    readonly retryAfterMs: number | null = null,
  ) {
    super(`scripted ${kind} failure`);
  }
}

class ScriptedClient implements ExchangeClient {
  readonly id = 'scripted';
  readonly maxCandlesPerRequest = 1_000;
  /** Minute index of the candle that is forming now. */
  market = 5;
  /** Errors thrown by the next candle requests, in order; `forever` repeats the last one. */
  failures: ScriptedError[] = [];
  forever = false;

  async loadMarkets(symbols: readonly string[]) {
    return { specs: new Map(symbols.map((s) => [s, { symbol: s } as MarketSpec])), rejected: new Map<string, string>() };
  }

  async fetchCandles(symbol: string, _timeframe: string, since: number | null, limit: number): Promise<CandleReply> {
    const failure = this.forever ? this.failures[0] : this.failures.shift();
    if (failure) throw failure;
    const from = since === null ? this.market - limit + 1 : (since - T) / MIN;
    const candles: Candle[] = [];
    for (let m = Math.max(0, from); m <= this.market; m++) candles.push({ symbol, ts: T + m * MIN, open: 1, high: 1, low: 1, close: 1, volume: 1 });
    return { candles, outOfOrderRows: 0 };
  }

  fetchMark(): never {
    throw new Error('not used');
  }

  fetchOrderBook(): never {
    throw new Error('not used');
  }

  classify(error: unknown): Fault {
    const e = error as ScriptedError;
    return { kind: e.kind ?? FaultKind.transient, name: 'Scripted', message: e.message, status: null, retryAfterMs: e.retryAfterMs ?? null };
  }
}

function setup(overrides: Partial<CcxtFeedOptions> = {}, client = new ScriptedClient(), secrets: readonly string[] = []) {
  const clock = { t: 1_000_000, now: () => clock.t };
  const sleeps: number[] = [];
  const lines: Array<{ level: string; msg: string }> = [];
  const at = (level: string) => (a: object | string, b?: string) => lines.push({ level, msg: typeof a === 'string' ? a : (b ?? '') });
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), fatal: at('fatal') };
  // Marks come from a ticker loop that would sleep too; park it so only candle waits are recorded.
  client.fetchMark = (() => new Promise(() => undefined)) as never;
  const feed = new PollingCcxtFeed(
    {
      exchange: 'scripted',
      symbols: ['BTC/USDT'],
      timeframe: '1m',
      pollIntervalS: 1,
      staleAfterS: 5,
      // Its hour-long sleeps would move this shared fake clock; the market refresh has its own test.
      marketsRefreshS: null,
      clock,
      logger,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock.t += ms;
        await new Promise((resolve) => setImmediate(resolve));
      },
      ...overrides,
    },
    client,
    secrets,
  );
  const batches: CandleBatch[] = [];
  return { feed, client, clock, sleeps, lines, batches, run: (warmupCandles = 0) => feed.run({ after: null, warmupCandles }, (b) => void batches.push(b)) };
}

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !condition(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(condition()).toBe(true);
}

describe('PollingCcxtFeed retries', () => {
  it('when candles fail transiently again and again then the waits double from 1 s up to the 60 s cap', async () => {
    const s = setup({ random: () => 0.999_999 });
    s.client.failures = [new ScriptedError(FaultKind.transient)];
    s.client.forever = true;
    const running = s.run();
    await until(() => s.sleeps.length >= 9);
    s.feed.stop();
    await running;
    expect(s.sleeps.slice(0, 9).map((ms) => Math.round(ms / 1_000))).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60]);
  });

  it('when jitter is random then no wait is below the floor or above its ceiling', async () => {
    const s = setup();
    s.client.failures = [new ScriptedError(FaultKind.transient)];
    s.client.forever = true;
    const running = s.run();
    await until(() => s.sleeps.length >= 30);
    s.feed.stop();
    await running;
    s.sleeps.forEach((ms, i) => {
      expect(ms).toBeGreaterThanOrEqual(250);
      expect(ms).toBeLessThanOrEqual(Math.min(60_000, 1_000 * 2 ** i));
    });
  });

  it('when the exchange says Retry-After then the first wait honours it and the next ones back off as usual', async () => {
    const s = setup({ random: () => 0.999_999 });
    s.client.failures = [new ScriptedError(FaultKind.transient, 5_000), new ScriptedError(FaultKind.transient), new ScriptedError(FaultKind.transient)];
    const running = s.run();
    await until(() => s.batches.length > 0 || s.feed.health().healthy);
    s.feed.stop();
    await running;
    expect(s.sleeps.slice(0, 3).map((ms) => Math.round(ms))).toEqual([6_000, 2_000, 4_000]);
  });

  it('when the error is permanent then the symbol is stale at once, it is logged once, and retried at the cap', async () => {
    const s = setup({ random: () => 0.5 });
    s.client.failures = [new ScriptedError(FaultKind.permanent)];
    s.client.forever = true;
    const running = s.run();
    await until(() => s.sleeps.length >= 3);
    expect(s.feed.health().staleSymbols).toEqual(['BTC/USDT']);
    s.feed.stop();
    await running;
    expect(s.sleeps.slice(0, 3)).toEqual([60_000, 60_000, 60_000]);
    expect(s.lines.filter((l) => l.level === 'error')).toHaveLength(1);
  });
});

describe('PollingCcxtFeed health', () => {
  it('when run has not polled yet then it is not healthy, and nothing is called stale', () => {
    const s = setup();
    expect(s.feed.health()).toEqual({ healthy: false, lastTickAt: null, staleSymbols: [], ended: false });
  });

  it('when no new candle arrives for stale_after_s of wall time then the symbol is stale, and fresh again with the next candle', async () => {
    const s = setup({ random: () => 0.5 });
    const startedAt = s.clock.t; // the history (the last new candle) arrives at once, before any sleep
    const running = s.run();
    await until(() => s.feed.health().healthy);
    await until(() => s.feed.health().staleSymbols.length > 0);
    expect(s.clock.t - startedAt).toBe(5_000); // polls every 1 s: stale exactly at stale_after_s
    expect(s.feed.health().healthy).toBe(false);
    s.client.market += 1;
    await until(() => s.feed.health().healthy);
    expect(s.batches.map((b) => (b.ts - T) / MIN)).toEqual([5]);
    expect(s.feed.health().lastTickAt).not.toBeNull();
    s.feed.stop();
    await running;
    expect(s.feed.health().healthy).toBe(false);
  });

  it('when the exchange ignores since and sends the same full page again then the feed waits its poll interval, no hot loop', async () => {
    const client = new ScriptedClient();
    client.market = 2_000;
    let requests = 0;
    client.fetchCandles = async (symbol, _timeframe, _since, limit) => {
      requests++;
      await new Promise((resolve) => setImmediate(resolve));
      const candles: Candle[] = [];
      for (let m = client.market - limit + 1; m <= client.market; m++) candles.push({ symbol, ts: T + m * MIN, open: 1, high: 1, low: 1, close: 1, volume: 1 });
      return { candles, outOfOrderRows: 0 };
    };
    const s = setup({ random: () => 0.5 }, client);
    const running = s.run();
    await until(() => requests >= 6);
    s.feed.stop();
    await running;
    // History, then polls of full pages that move nothing: each one after a full poll interval.
    expect(s.sleeps.length).toBeGreaterThanOrEqual(requests - 2);
    expect(s.sleeps.every((ms) => ms >= 999)).toBe(true);
  });

  it('when marks are watched for open positions only then no ticker is fetched for a symbol without one, until it has one', async () => {
    const s = setup({ random: () => 0.5 });
    const tickers: string[] = [];
    s.client.fetchMark = (async (symbol: string) => {
      tickers.push(symbol);
      await new Promise((resolve) => setImmediate(resolve));
      return { symbol, price: 1, bid: null, ask: null, exchangeTs: null, receivedAt: s.clock.t };
    }) as never;
    let holding = false;
    s.feed.watchMarks(() => holding);
    const running = s.run();
    await until(() => s.sleeps.length >= 20);
    expect(tickers).toEqual([]);
    expect(s.feed.latestMark('BTC/USDT')).toBeNull();
    holding = true;
    await until(() => tickers.length >= 2);
    expect(s.feed.latestMark('BTC/USDT')?.price).toBe(1);
    s.feed.stop();
    await running;
  });

  it('when the markets are refreshed then fees change in the map the broker holds, and a symbol listed since then is let in', async () => {
    const client = new ScriptedClient();
    let loads = 0;
    client.loadMarkets = async () => {
      loads++;
      const btc = { symbol: 'BTC/USDT', takerFee: loads === 1 ? 0.001 : 0.0008 } as MarketSpec;
      return loads === 1
        ? { specs: new Map([['BTC/USDT', btc]]), rejected: new Map([['ETH/USDT', 'not listed']]) }
        : { specs: new Map([['BTC/USDT', btc], ['ETH/USDT', { symbol: 'ETH/USDT', takerFee: 0.001 } as MarketSpec]]), rejected: new Map<string, string>() };
    };
    const s = setup({ symbols: ['BTC/USDT', 'ETH/USDT'], marketsRefreshS: 3_600 }, client);
    const markets = await s.feed.loadMarkets();
    expect([...markets.keys()]).toEqual(['BTC/USDT']);
    const running = s.run();
    await until(() => markets.has('ETH/USDT'));
    expect(markets.get('BTC/USDT')?.takerFee).toBe(0.0008);
    expect(s.lines.some((l) => l.level === 'warn' && l.msg.includes('now a usable spot market'))).toBe(true);
    s.feed.stop();
    await running;
  });

  it('when an order book request fails with an exchange text that echoes a credential then the error the book cache logs does not carry it', async () => {
    const secret = 'key-7fa3c1e9d2';
    const client = new ScriptedClient();
    const s = setup({}, client, [secret]);
    client.fetchOrderBook = (async () => {
      throw Object.assign(new ScriptedError(FaultKind.permanent), { message: `binance {"code":-2015,"msg":"Invalid API-key ${secret}, IP, or permissions"}` });
    }) as never;
    await s.feed.loadMarkets();
    const error = await s.feed.fetchOrderBook('BTC/USDT', 5).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(error).toBeInstanceOf(OperationalError);
    expect(error!.message).toContain('Invalid API-key [redacted]');
    expect(error!.message).not.toContain(secret);
  });

  it('when onBatch throws then run stops and rejects with that error', async () => {
    const s = setup();
    const running = s.feed.run({ after: null, warmupCandles: 2 }, () => {
      throw new Error('engine broke');
    });
    await expect(running).rejects.toThrow('engine broke');
  });
});
