import { setTimeout as delay } from 'node:timers/promises';
import { timeframeToMs, type Candle } from '../../model/candle.js';
import { OperationalError, TransientError } from '../../model/errors.js';
import type { MarketSpec } from '../../model/market.js';
import type { WallClock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import type { CandleBatch, FeedHealth, FeedRunOptions, MarketFeed } from '../../ports/market-feed.js';
import { DEFAULT_BACKOFF, type BackoffPolicy } from './backoff.js';
import { BatchAssembler } from './batch-assembler.js';
import { ClosedCandles, type CandleIntegrity, type IntegrityEvent } from './closed-candles.js';
import { CREDENTIAL_KEYS, openExchange, type Credentials, type ExchangeClient } from './exchange-client.js';
import { FaultKind, type Fault } from './fault.js';
import { redactingLogger, redactor } from './redacting-logger.js';
import type { Mark, OrderBookSnapshot } from './reply-validation.js';
import { Retrier, STOPPED, type Attempts, type Sleep } from './retrier.js';

export type { Mark, OrderBookSnapshot } from './reply-validation.js';
export type { CandleIntegrity } from './closed-candles.js';
export type { BackoffPolicy } from './backoff.js';
export type { Sleep } from './retrier.js';

export interface CcxtFeedOptions {
  /** ccxt exchange id, e.g. `binance`. */
  readonly exchange: string;
  readonly symbols: readonly string[];
  readonly timeframe: string;
  readonly pollIntervalS: number;
  readonly staleAfterS: number;
  /** Merged into the ccxt exchange constructor (urls, timeout, options…); credential keys in it are ignored. */
  readonly ccxtOptions?: Readonly<Record<string, unknown>>;
  /** Where EXCHANGE_API_KEY, EXCHANGE_API_SECRET and EXCHANGE_API_PASSWORD are read from; `process.env` by default. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly clock: WallClock;
  readonly logger: Logger;
  readonly sleep?: Sleep;
  /** Jitter source in [0, 1); `Math.random` by default. */
  readonly random?: () => number;
  readonly backoff?: Partial<BackoffPolicy>;
  /** How often each symbol's ticker is fetched for `latestMark`; 10 s by default. */
  readonly markIntervalS?: number;
  /** How often the markets (precision, limits, fees, listings) are loaded again; 1 h by default, null never. */
  readonly marketsRefreshS?: number | null;
}

/** Per-symbol counters, for status and tests. */
export interface SymbolFeedStats extends CandleIntegrity {
  /** Failed or rejected requests for candles, in total. */
  failures: number;
  /** Replies that arrived but did not hold valid data. */
  invalidReplies: number;
  /** Open time of the newest closed candle seen, or null. */
  cursor: number | null;
}

/** A live feed plus what the paper broker needs from the same exchange connection. */
export interface CcxtFeed extends MarketFeed {
  /** A validated order book; throws TransientError (retry later) or OperationalError (will not work). */
  fetchOrderBook(symbol: string, depth: number): Promise<OrderBookSnapshot>;
  /** The newest valid ticker price of a symbol, refreshed every `markIntervalS`, or null before the first. */
  latestMark(symbol: string): Mark | null;
  /**
   * Which symbols need marks (the broker's open positions): tickers are fetched for those only.
   * Until it is called, every symbol's ticker is fetched.
   */
  watchMarks(wanted: (symbol: string) => boolean): void;
  stats(): Readonly<Record<string, SymbolFeedStats>>;
}

/**
 * Builds a ccxt feed. ccxt itself is imported here, on the first call, so that replay runs and
 * backtests never load it.
 */
export async function createCcxtFeed(options: CcxtFeedOptions): Promise<CcxtFeed> {
  const credentials = credentialsFrom(options.env ?? process.env);
  const client = await openExchange({ exchangeId: options.exchange, ccxtOptions: options.ccxtOptions ?? {}, credentials, clock: options.clock });
  return new PollingCcxtFeed(options, client, Object.values(credentials));
}

/** Only the variables that are set (and not empty) become credentials. */
function credentialsFrom(env: Readonly<Record<string, string | undefined>>): Credentials {
  const credentials: { apiKey?: string; secret?: string; password?: string } = {};
  if (env['EXCHANGE_API_KEY']) credentials.apiKey = env['EXCHANGE_API_KEY'];
  if (env['EXCHANGE_API_SECRET']) credentials.secret = env['EXCHANGE_API_SECRET'];
  if (env['EXCHANGE_API_PASSWORD']) credentials.password = env['EXCHANGE_API_PASSWORD'];
  return credentials;
}

const realSleep: Sleep = (ms, signal) => delay(ms, undefined, { signal }).then(
  () => undefined,
  () => undefined,
);

interface SymbolState {
  readonly symbol: string;
  readonly candles: ClosedCandles;
  readonly candleAttempts: Attempts;
  readonly markAttempts: Attempts;
  /** Wall time the last new closed candle arrived. */
  lastNewAt: number | null;
  /** Wall time the last candle request started. */
  lastPollAt: number | null;
  mark: Mark | null;
  failures: number;
  invalidReplies: number;
  /** Cuts the regular wait between polls short, when another symbol has seen a newer candle. */
  wake: (() => void) | null;
  /**
   * Wall time a stale symbol fell behind a symbol that just saw newer candles (the first to
   * recover after an outage): it is awaited again until its next attempt ends (woken now, or at
   * the end of its backoff, which is kept), so that catch-up does not go out alone and make the
   * others' candles late. Null: not held.
   */
  heldSince: number | null;
}

/**
 * Polls closed candles per symbol, merges them into time-ordered batches and keeps going through
 * every transient fault (backoff with full jitter, Retry-After honoured exchange-wide) until `stop()`.
 */
export class PollingCcxtFeed implements CcxtFeed {
  readonly source: string;
  private readonly states: SymbolState[];
  private readonly log: Logger;
  /** Masks the credentials in exchange texts that leave the feed in an error (the caller logs it). */
  private readonly redact: (text: string) => string;
  private readonly clock: WallClock;
  private readonly timeframe: string;
  private readonly timeframeMs: number;
  private readonly pollMs: number;
  private readonly staleMs: number;
  private readonly holdMs: number;
  private readonly markMs: number;
  private readonly marketsRefreshMs: number | null;
  /** The markets as loaded at start, updated in place by each refresh: the broker holds this map. */
  private marketSpecs: Map<string, MarketSpec> | null = null;
  private readonly stopController = new AbortController();
  private readonly retrier: Retrier;
  private readonly marketAttempts: Attempts = { failures: 0, permanent: null };
  private marksWanted: (symbol: string) => boolean = () => true;
  private markets: Promise<ReadonlyMap<string, MarketSpec>> | null = null;
  private marketsLoaded = false;
  private assembler: BatchAssembler | null = null;
  private onBatch: ((batch: CandleBatch) => void | Promise<void>) | null = null;
  private delivery: Promise<void> = Promise.resolve();
  private deliveryError: unknown = null;
  private startedAt: number | null = null;
  private lastTickAt: number | null = null;
  /** The live batch being handed to (or last handed to) `onBatch`: how far behind the exchange the engine is trading. */
  private deliveringTs: number | null = null;
  private catchUpReported = false;
  private staleReported = new Set<string>();
  private warmupReported = false;

  constructor(
    options: CcxtFeedOptions,
    private readonly client: ExchangeClient,
    secrets: readonly string[] = [],
  ) {
    this.source = `ccxt:${options.exchange}`;
    this.log = redactingLogger(options.logger, secrets);
    this.redact = redactor(secrets);
    this.clock = options.clock;
    this.timeframe = options.timeframe;
    const timeframeMs = timeframeToMs(options.timeframe);
    this.timeframeMs = timeframeMs;
    this.pollMs = options.pollIntervalS * 1_000;
    this.staleMs = options.staleAfterS * 1_000;
    const policy = { ...DEFAULT_BACKOFF, ...options.backoff };
    // A held symbol's next attempt comes within one backoff (at most the cap), then takes at most a request.
    this.holdMs = this.staleMs + policy.capMs;
    this.markMs = (options.markIntervalS ?? 10) * 1_000;
    this.marketsRefreshMs = options.marketsRefreshS === null ? null : (options.marketsRefreshS ?? 3_600) * 1_000;
    this.retrier = new Retrier({
      classify: (error) => client.classify(error),
      policy,
      permanentRetryMs: this.pollMs,
      clock: options.clock,
      sleep: options.sleep ?? realSleep,
      random: options.random ?? Math.random,
      log: this.log,
      signal: this.stopController.signal,
    });
    this.states = options.symbols.map((symbol) => ({
      symbol,
      candles: new ClosedCandles(symbol, timeframeMs),
      candleAttempts: { failures: 0, permanent: null },
      markAttempts: { failures: 0, permanent: null },
      lastNewAt: null,
      lastPollAt: null,
      mark: null,
      failures: 0,
      invalidReplies: 0,
      wake: null,
      heldSince: null,
    }));
    const ignored = Object.keys(options.ccxtOptions ?? {}).filter((k) => (CREDENTIAL_KEYS as readonly string[]).includes(k));
    if (ignored.length > 0) this.log.warn({ keys: ignored }, 'feed.ccxt_options holds credential keys; they are ignored, credentials come only from EXCHANGE_API_* variables');
    if (this.staleMs < timeframeMs + this.pollMs) {
      this.log.warn({ stale_after_s: options.staleAfterS, timeframe: options.timeframe, poll_interval_s: options.pollIntervalS }, 'stale_after_s is shorter than one candle plus one poll: symbols will look stale between candles');
    }
    this.log.info(
      {
        exchange: options.exchange,
        symbols: options.symbols,
        timeframe: options.timeframe,
        poll_interval_s: options.pollIntervalS,
        stale_after_s: options.staleAfterS,
        ccxt_options: Object.keys(options.ccxtOptions ?? {}),
        credentials: secrets.length > 0 ? 'from environment' : 'none',
      },
      'ccxt feed configured',
    );
  }

  private get stopped(): boolean {
    return this.stopController.signal.aborted;
  }

  /** Loads and validates the markets, retrying until they load or the feed stops. */
  loadMarkets(): Promise<ReadonlyMap<string, MarketSpec>> {
    this.markets ??= this.retrier.run({ what: 'markets', symbol: null }, this.marketAttempts, () => this.client.loadMarkets(this.states.map((s) => s.symbol)), () => this.flush()).then((result) => {
      if (result === STOPPED) {
        this.markets = null;
        throw new TransientError(`${this.source}: stopped before the markets loaded`);
      }
      for (const [symbol, reason] of result.rejected) {
        const state = this.states.find((s) => s.symbol === symbol)!;
        const fault: Fault = { kind: FaultKind.permanent, name: 'BadSymbol', message: reason, status: null, retryAfterMs: null };
        // Said once here; the loops retry it quietly at the cap, and the market refresh lets it in once the exchange lists it.
        state.candleAttempts.permanent = fault;
        state.markAttempts.permanent = fault;
        this.log.error({ symbol, reason }, 'symbol is not a usable spot market on the exchange; it stays stale');
      }
      this.marketsLoaded = true;
      this.marketSpecs = new Map(result.specs);
      this.log.info({ markets: [...result.specs.keys()] }, 'markets loaded');
      return this.marketSpecs;
    });
    return this.markets;
  }

  /**
   * Every `marketsRefreshS`: the markets again, so that a 24/7 run follows the exchange's
   * precision, limits and fees, and a symbol it did not list at start trades once it does.
   * A failed refresh keeps what is known and tries again at the next one.
   */
  private async marketsRefreshLoop(everyMs: number): Promise<void> {
    const symbols = this.states.map((s) => s.symbol);
    while (!this.stopped) {
      await this.retrier.pause(everyMs);
      // A Retry-After holds this request back too, and one it is answered with holds back the others.
      for (let wait = this.retrier.cooldownLeft(); wait > 0 && !this.stopped; wait = this.retrier.cooldownLeft()) await this.retrier.pause(wait);
      if (this.stopped || !this.marketSpecs) return;
      let result: Awaited<ReturnType<ExchangeClient['loadMarkets']>>;
      try {
        result = await this.client.loadMarkets(symbols);
      } catch (error) {
        this.retrier.noteFault(error);
        this.log.warn({ err: error }, 'markets not refreshed; the ones loaded before stay in force');
        continue;
      }
      for (const [symbol, spec] of result.specs) {
        if (!this.marketSpecs.has(symbol)) {
          const state = this.states.find((s) => s.symbol === symbol)!;
          state.candleAttempts.permanent = null;
          state.markAttempts.permanent = null;
          this.log.warn({ symbol }, 'symbol is now a usable spot market on the exchange; it is polled again');
        }
        this.marketSpecs.set(symbol, spec);
      }
      for (const [symbol, reason] of result.rejected) {
        // Its last spec stays: an open position must still be priced on the grid, with fees, to close.
        if (this.marketSpecs.has(symbol)) this.log.error({ symbol, reason }, 'symbol is no longer a usable spot market on the exchange; its candles will go stale');
      }
    }
  }

  async run(runOptions: FeedRunOptions, onBatch: (batch: CandleBatch) => void | Promise<void>): Promise<void> {
    if (this.onBatch) throw new Error(`${this.source}: run() was already called`);
    this.onBatch = onBatch;
    this.startedAt = this.clock.now();
    this.assembler = new BatchAssembler(
      this.states.map((s) => s.symbol),
      runOptions.after,
    );
    const markets = await this.loadMarkets().then(
      () => true,
      () => false,
    );
    if (markets && !this.stopped) {
      const refresh = this.marketsRefreshMs === null ? [] : [this.marketsRefreshLoop(this.marketsRefreshMs)];
      await Promise.all([...this.states.flatMap((state) => [this.pollLoop(state, runOptions), this.markLoop(state)]), ...refresh]);
    }
    await this.delivery;
    if (this.deliveryError !== null) throw this.deliveryError;
  }

  stop(): void {
    this.stopController.abort();
  }

  health(): FeedHealth {
    const now = this.clock.now();
    const staleSymbols = this.staleSymbols(now);
    const polled = this.states.every((s) => s.candles.cursor !== null);
    return { healthy: this.startedAt !== null && !this.stopped && polled && staleSymbols.length === 0 && this.behindMs() <= this.staleMs, lastTickAt: this.lastTickAt, staleSymbols, ended: false };
  }

  /**
   * How far the live batch being traded is behind the newest candle the exchange has closed.
   * After an outage or a restart the feed delivers the missed candles in a burst: they are
   * old data, on which no entry may be taken (the feed is unhealthy while more than
   * stale_after_s behind), though stops and targets still act on them.
   */
  private behindMs(): number {
    if (this.deliveringTs === null) return 0;
    let newest = -Infinity;
    for (const s of this.states) if (s.candles.cursor !== null && s.candles.cursor > newest) newest = s.candles.cursor;
    return Math.max(0, newest - this.deliveringTs);
  }

  latestMark(symbol: string): Mark | null {
    return this.states.find((s) => s.symbol === symbol)?.mark ?? null;
  }

  watchMarks(wanted: (symbol: string) => boolean): void {
    this.marksWanted = wanted;
  }

  stats(): Readonly<Record<string, SymbolFeedStats>> {
    return Object.fromEntries(this.states.map((s) => [s.symbol, { ...s.candles.integrity, failures: s.failures, invalidReplies: s.invalidReplies, cursor: s.candles.cursor }]));
  }

  async fetchOrderBook(symbol: string, depth: number): Promise<OrderBookSnapshot> {
    if (!this.marketsLoaded) throw new TransientError(`${this.source}: the markets are not loaded yet`);
    const wait = this.retrier.cooldownLeft();
    if (wait > 0) throw new TransientError(`${this.source}: the exchange asked to wait ${Math.ceil(wait)} ms more before the next request`);
    try {
      return await this.client.fetchOrderBook(symbol, depth);
    } catch (error) {
      const fault = this.retrier.noteFault(error);
      const message = this.redact(`${this.source} ${symbol} order book: ${fault.name}: ${fault.message}`);
      // The caller (the book cache) backs off and warns once per streak.
      this.log.debug({ symbol, what: 'order_book', error: fault.name, status: fault.status, message: fault.message }, 'order book request failed');
      throw fault.kind === FaultKind.transient ? new TransientError(message) : new OperationalError(message);
    }
  }

  // --- polling -----------------------------------------------------------------------------------

  private async pollLoop(state: SymbolState, runOptions: FeedRunOptions): Promise<void> {
    const history = await this.retrier.run({ what: 'history', symbol: state.symbol }, state.candleAttempts, () => this.fetchHistory(state, runOptions.warmupCandles), (fault) => this.candleFailed(state, fault));
    if (history === STOPPED) return;
    let immediate = false;
    while (!this.stopped) {
      if (!immediate) await this.retrier.pause((state.lastPollAt ?? 0) + this.pollMs - this.clock.now(), state);
      if (this.stopped) return;
      const full = await this.retrier.run({ what: 'candles', symbol: state.symbol }, state.candleAttempts, () => this.pollCandles(state), (fault) => this.candleFailed(state, fault));
      if (full === STOPPED) return;
      // A full page means the exchange has more closed candles than one reply holds: catch up at once.
      immediate = full;
    }
  }

  private async fetchHistory(state: SymbolState, warmupCandles: number): Promise<void> {
    state.lastPollAt = this.clock.now();
    const max = this.client.maxCandlesPerRequest;
    const want = Math.max(warmupCandles, 1) + 1; // + the forming candle
    let rows: Candle[] = [...(await this.client.fetchCandles(state.symbol, this.timeframe, null, Math.min(want, max))).candles];
    for (let page = 0; rows.length > 0 && rows.length < want && page < 50; page++) {
      const need = Math.min(want - rows.length, max);
      const oldest = rows[0]!.ts;
      const since = oldest - need * this.timeframeMs;
      const older = (await this.client.fetchCandles(state.symbol, this.timeframe, since, need)).candles.filter((c) => c.ts < oldest);
      if (older.length === 0) break;
      rows = [...older, ...rows];
    }
    const { closed, events } = state.candles.accept(rows);
    const cursor = state.candles.cursor;
    if (cursor !== null) this.assembler!.noteHistory(state.symbol, cursor);
    this.received(state, closed, warmupCandles > 0 ? closed.slice(-warmupCandles) : [], events);
  }

  /** One poll; returns true when the reply was a full page that moved the cursor: there may be more to catch up. */
  private async pollCandles(state: SymbolState): Promise<boolean> {
    state.lastPollAt = this.clock.now();
    const since = state.candles.cursor;
    const limit = since === null ? 2 : this.client.maxCandlesPerRequest;
    const reply = await this.client.fetchCandles(state.symbol, this.timeframe, since, limit);
    if (reply.outOfOrderRows > 0) {
      state.candles.integrity.outOfOrder += reply.outOfOrderRows;
      this.log.warn({ symbol: state.symbol, rows: reply.outOfOrderRows }, 'exchange returned candles out of order');
    }
    const { closed, events } = state.candles.accept(reply.candles);
    this.received(state, closed, closed, events);
    // An exchange that ignores `since` sends the same full page again: that is no reason to ask at once.
    const advanced = since !== null && state.candles.cursor !== null && state.candles.cursor > since;
    return reply.candles.length >= limit && advanced;
  }

  private received(state: SymbolState, closed: readonly Candle[], deliver: readonly Candle[], events: readonly IntegrityEvent[]): void {
    state.heldSince = null;
    for (const event of events) this.logIntegrity(state.symbol, event);
    if (deliver.length > 0) this.assembler!.add(state.symbol, deliver);
    if (closed.length > 0) {
      const now = this.clock.now();
      const stale = this.staleSymbols(now); // before this symbol's news: is it recovering from staleness?
      state.lastNewAt = now;
      this.wakeLaggards(state, stale, now);
    }
    this.flush();
  }

  /**
   * Symbols whose last poll is older than this one and who have not seen its newest candle poll
   * again now. When the leader is itself recovering from staleness (an outage), a stale one among
   * them is awaited again until its next attempt ends (see `heldSince`); a healthy leader never
   * waits for a symbol that went stale alone.
   */
  private wakeLaggards(leader: SymbolState, stale: readonly string[], now: number): void {
    const newest = leader.candles.cursor!;
    const recovering = stale.includes(leader.symbol);
    for (const other of this.states) {
      if (other === leader || other.lastPollAt === null || leader.lastPollAt === null) continue;
      if ((other.candles.cursor ?? -Infinity) >= newest || other.lastPollAt >= leader.lastPollAt) continue;
      if (recovering && other.candleAttempts.permanent === null && stale.includes(other.symbol)) other.heldSince ??= now;
      other.wake?.();
    }
  }

  private candleFailed(state: SymbolState, fault: Fault): void {
    state.heldSince = null;
    state.failures++;
    if (fault.name === 'InvalidReply') state.invalidReplies++;
    this.flush(); // a failing symbol may have just gone stale: the others need not wait for it any longer
  }

  private async markLoop(state: SymbolState): Promise<void> {
    while (!this.stopped) {
      if (!this.marksWanted(state.symbol)) {
        state.mark = null; // an old mark must not act on a position opened later
        await this.retrier.pause(this.markMs);
        continue;
      }
      const mark = await this.retrier.run({ what: 'ticker', symbol: state.symbol }, state.markAttempts, () => this.client.fetchMark(state.symbol), () => undefined);
      if (mark === STOPPED) return;
      state.mark = mark;
      await this.retrier.pause(this.markMs);
    }
  }

  // --- delivery ----------------------------------------------------------------------------------

  /** Releases whatever can go out now; deliveries are chained so `onBatch` is never re-entered. */
  private flush(): void {
    this.delivery = this.delivery.then(() => this.deliver());
  }

  private async deliver(): Promise<void> {
    if (this.deliveryError !== null || !this.assembler || !this.onBatch) return;
    try {
      const now = this.clock.now();
      const stale = this.staleSymbols(now);
      this.reportStaleChanges(stale);
      const cursors = new Map(this.states.map((s) => [s.symbol, s.candles.cursor]));
      // A held symbol is waited for a bounded time: a hung request must not stop the rest.
      const awaited = this.states.filter((s) => !stale.includes(s.symbol) || (s.heldSince !== null && now - s.heldSince < this.holdMs)).map((s) => s.symbol);
      const { batches, late } = this.assembler.release(cursors, awaited);
      for (const [symbol, count] of late) {
        this.states.find((s) => s.symbol === symbol)!.candles.integrity.late += count;
        this.log.warn({ symbol, candles: count, delivered_up_to: iso(this.assembler.lastDeliveredTs) }, 'candles arrived after later batches went out (the symbol was stale); dropped');
      }
      if (batches.length > 0 && !this.warmupReported) {
        this.warmupReported = true;
        const { warmupEdge, historyEdge } = this.assembler;
        this.log.info({ warmup_until: iso(warmupEdge), history_until: iso(historyEdge), warmup_batches: batches.filter((b) => b.warmup).length }, 'warm-up history ready; later candles are live');
        if (warmupEdge !== null && historyEdge !== null && warmupEdge > historyEdge) {
          this.log.warn({ resume_after: iso(warmupEdge), history_until: iso(historyEdge) }, 'the resume point is later than the exchange\'s newest candle; candles up to it are warm-up only');
        }
      }
      for (const batch of batches) {
        if (this.stopped) return;
        if (!batch.warmup) {
          this.lastTickAt = this.clock.now();
          this.deliveringTs = batch.ts;
          this.reportCatchUp();
        }
        await this.onBatch(batch);
      }
    } catch (error) {
      this.deliveryError = error;
      this.stop();
    }
  }

  private reportCatchUp(): void {
    const behind = this.behindMs() > this.staleMs;
    if (behind === this.catchUpReported) return;
    this.catchUpReported = behind;
    if (behind) this.log.warn({ delivering: iso(this.deliveringTs), behind_s: Math.round(this.behindMs() / 1_000) }, 'catching up on missed candles: no entry on them until caught up');
    else this.log.info({ delivering: iso(this.deliveringTs) }, 'caught up with the exchange');
  }

  private staleSymbols(now: number): string[] {
    if (this.startedAt === null) return [];
    const since = this.startedAt;
    return this.states.filter((s) => s.candleAttempts.permanent !== null || now - (s.lastNewAt ?? since) >= this.staleMs).map((s) => s.symbol);
  }

  private reportStaleChanges(stale: readonly string[]): void {
    for (const symbol of stale) {
      if (this.staleReported.has(symbol)) continue;
      const state = this.states.find((s) => s.symbol === symbol)!;
      this.log.warn({ symbol, last_candle_at: iso(state.candles.cursor), stale_after_s: this.staleMs / 1_000 }, 'symbol is stale: no new closed candle');
    }
    for (const symbol of this.staleReported) if (!stale.includes(symbol)) this.log.info({ symbol }, 'symbol is fresh again');
    this.staleReported = new Set(stale);
  }

  private logIntegrity(symbol: string, event: IntegrityEvent): void {
    if (event.type === 'gap') this.log.warn({ symbol, from: iso(event.from), to: iso(event.to), missing_candles: event.missing }, 'gap in candles: the exchange has no candles in between');
    else if (event.type === 'duplicate') this.log.warn({ symbol, ts: iso(event.ts) }, 'exchange returned a candle twice; the repeat is ignored');
    else this.log.warn({ symbol, ts: iso(event.ts), after: iso(event.after) }, 'exchange returned a candle out of order; it is ignored');
  }
}

function iso(ts: number | null): string | null {
  return ts === null ? null : new Date(ts).toISOString();
}
