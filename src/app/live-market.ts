import type { PaperBroker } from '../broker/paper-broker.js';
import type { Engine } from '../engine/engine.js';
import { backoffDelay, DEFAULT_BACKOFF } from '../feeds/ccxt/backoff.js';
import type { CcxtFeed } from '../feeds/ccxt/ccxt-feed.js';
import type { BookLevel, BookSource } from '../ports/book-source.js';
import type { MarketFeed } from '../ports/market-feed.js';
import type { Logger } from '../ports/logger.js';

const BOOK_MAX_AGE_MS = 15_000;
const BOOK_DEPTH = 50;

export function isLiveFeed(feed: MarketFeed): feed is CcxtFeed {
  return typeof (feed as Partial<CcxtFeed>).latestMark === 'function' && typeof (feed as Partial<CcxtFeed>).fetchOrderBook === 'function';
}

/**
 * Fresh order books for the symbols the broker may trade next, so that a live market order
 * walks the book for its size. A book older than 15 s is not used: the broker then falls back
 * to the candle rule (next open moved by slippage).
 */
export class BookCache implements BookSource {
  private readonly books = new Map<string, { bids: readonly BookLevel[]; asks: readonly BookLevel[]; at: number }>();
  /** Per symbol, after failed refreshes: how many in a row, and when to try again (exponential backoff). */
  private readonly failures = new Map<string, { count: number; retryAt: number }>();

  constructor(
    private readonly feed: CcxtFeed,
    private readonly now: () => number,
    private readonly log: Logger,
    private readonly random: () => number = Math.random,
  ) {}

  levels(symbol: string, side: 'buy' | 'sell'): readonly BookLevel[] | null {
    const book = this.books.get(symbol);
    if (!book || this.now() - book.at > BOOK_MAX_AGE_MS) return null;
    return side === 'buy' ? book.asks : book.bids;
  }

  /** Refreshes the books of `symbols`, except those still waiting out a backoff after failures. */
  async refresh(symbols: readonly string[]): Promise<void> {
    await Promise.all(
      symbols.map(async (symbol) => {
        const failed = this.failures.get(symbol);
        if (failed && this.now() < failed.retryAt) return;
        try {
          const book = await this.feed.fetchOrderBook(symbol, BOOK_DEPTH);
          this.books.set(symbol, { bids: book.bids, asks: book.asks, at: book.receivedAt });
          if (failed) this.log.info({ symbol, failures: failed.count }, 'order book refreshed again');
          this.failures.delete(symbol);
        } catch (error) {
          const count = (failed?.count ?? 0) + 1;
          this.failures.set(symbol, { count, retryAt: this.now() + backoffDelay(count, DEFAULT_BACKOFF, this.random) });
          // One warning per streak, not one per attempt: a lasting fault would flood the log.
          if (count === 1) this.log.warn({ symbol, err: error }, 'order book not refreshed; fills fall back to the candle rule until it is, retrying with backoff');
          else this.log.debug({ symbol, err: error, failures: count }, 'order book still not refreshed');
        }
      }),
    );
  }
}

/**
 * Between candles: live marks let stops, targets and trailing stops act (on every new ticker),
 * and the books of symbols with open positions or waiting orders are kept fresh.
 */
export class LiveMarketLoop {
  private timer: NodeJS.Timeout | null = null;
  private readonly lastMarkAt = new Map<string, number>();
  private refreshing = false;

  constructor(
    private readonly feed: CcxtFeed,
    private readonly books: BookCache,
    private readonly engine: Engine,
    private readonly broker: PaperBroker,
    private readonly timeframeMs: number,
    private readonly guard: (work: () => void) => boolean,
  ) {}

  start(everyMs = 2_000): void {
    // Tickers only for what marks act on: open positions.
    this.feed.watchMarks((symbol) => this.broker.position(symbol) !== undefined);
    this.timer = setInterval(() => this.tick(), everyMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private tick(): void {
    const marketTime = this.engine.marketTime;
    if (marketTime === null) return;
    for (const position of this.broker.openPositions()) {
      const mark = this.feed.latestMark(position.symbol);
      if (!mark || mark.receivedAt <= (this.lastMarkAt.get(position.symbol) ?? 0)) continue;
      this.lastMarkAt.set(position.symbol, mark.receivedAt);
      const at = Math.max(marketTime + this.timeframeMs, mark.exchangeTs ?? 0);
      this.guard(() => this.engine.onMark(position.symbol, mark.price, at));
    }
    const wanted = new Set([...this.broker.openPositions().map((p) => p.symbol), ...this.broker.pendingOrders().map((o) => o.symbol)]);
    if (wanted.size > 0 && !this.refreshing) {
      this.refreshing = true;
      void this.books.refresh([...wanted]).finally(() => {
        this.refreshing = false;
      });
    }
  }
}
