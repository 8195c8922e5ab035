import type { Candle } from '../model/candle.js';
import { exitInsideCandle, slippedPrice } from '../model/fill-rules.js';
import { roundCash, type MarketSpec } from '../model/market.js';
import {
  PaperBooks,
  assertCash,
  assertPrice,
  buyOrderOf,
  closingOf,
  openingOf,
  orderIdOf,
  seqOfOrderId,
  sellOrderOf,
  type BookEvent,
  type EntryRequest,
  type TakerFill,
} from '../model/paper-accounting.js';
import type { ExitReason, PendingOrder, Position } from '../model/position.js';
import { Reason } from '../model/reason-codes.js';
import type { BookLevel, BookSource } from '../ports/book-source.js';
import { STARTING_BALANCE_KEY, type Ledger } from '../ports/ledger.js';
import { walkBook } from './walk-book.js';

export type BrokerEvent = BookEvent;

export type { EntryRequest } from '../model/paper-accounting.js';

export interface PaperBrokerOptions {
  readonly ledger: Ledger;
  readonly markets: ReadonlyMap<string, MarketSpec>;
  readonly slippageBps: number;
  readonly startingBalance: number;
  /** Live only: market orders walk this book for their size instead of taking the candle's open ± slippage. */
  readonly book?: BookSource;
  /**
   * The candle length. With a live book, a waiting order fills when the next candle arrives,
   * which is once that candle has closed: the fill is stamped at its close, and its range
   * (which happened before the position existed) is not applied to the new position.
   */
  readonly timeframeMs?: number;
}

export const BALANCE_KEY = 'account.balance';
const SEQ_KEY = 'broker.seq';

/**
 * The paper exchange (docs/adr/0002). Market orders wait for the next candle of their symbol
 * and fill at its open moved by slippage onto the tick (or, live, walk the order book),
 * paying the market's taker fee on the notional. Cash for a buy is reserved when the order is
 * placed, so two signals can never spend the same cash; at the fill, a buy that costs more
 * than its reservation plus the free cash is rejected whole, never partly filled. Stops and
 * targets follow `model/fill-rules.ts`. A target is a resting limit and fills at its price,
 * but pays the taker fee: pessimistic, and on the markets this runs on (Binance spot) maker
 * and taker fees are the same tier anyway.
 *
 * Every event is one ledger transaction, and the in-memory books change only after it
 * commits, so a refused write leaves them as the ledger has them. A new broker over the same
 * ledger restores balance, positions, pending orders and reserved cash exactly.
 */
export class PaperBroker extends PaperBooks {
  /** Symbols whose position changed in memory since the last checkpoint. */
  private readonly unsaved = new Set<string>();
  private readonly initialBalance: number;

  constructor(private readonly options: PaperBrokerOptions) {
    const { ledger } = options;
    super(options.markets, options.slippageBps, {
      balance: ledger.getSetting<number>(BALANCE_KEY) ?? ledger.getSetting<number>(STARTING_BALANCE_KEY) ?? options.startingBalance,
      // Ledgers before 2026-11 wrote the sequence as a setting; now the order ids are the record.
      seq: Math.max(ledger.getSetting<number>(SEQ_KEY) ?? 0, seqOfOrderId(ledger.lastOrderId())),
      positions: ledger.loadPositions(),
      pending: ledger.loadPendingOrders(),
    });
    this.assertBooks();
    // The config's starting balance counts once: the ledger remembers it, and metrics use that.
    const recorded = ledger.getSetting<number>(STARTING_BALANCE_KEY);
    const fresh = ledger.getSetting<number>(BALANCE_KEY) === undefined;
    if (recorded === undefined && fresh) ledger.transaction(() => ledger.setSetting(STARTING_BALANCE_KEY, options.startingBalance));
    this.initialBalance = recorded ?? options.startingBalance;
  }

  /** The balance the account started with (a ledger from before this was recorded: the config's). */
  get startingBalance(): number {
    return this.initialBalance;
  }

  submitEntry(request: EntryRequest): { ok: true; order: PendingOrder } | { ok: false; reason: string } {
    const sized = this.sizeEntry(request);
    if (!sized.ok) return sized;
    const order = buyOrderOf(this.nextOrderId(), request, sized.quantity, sized.reserved);
    const reserved = sized.reserved;
    this.options.ledger.transaction(() => this.options.ledger.insertOrder(order, 'pending'));
    this.seq += 1;
    this.pending.push(order);
    this.reserved = roundCash(this.reserved + reserved);
    this.assertBooks();
    return { ok: true, order };
  }

  submitExit(symbol: string, strategy: string, reason: string, at: number): { ok: true } | { ok: false; reason: string } {
    const position = this.positions.get(symbol);
    if (!position) return { ok: false, reason: Reason.NO_POSITION };
    if (this.pending.some((o) => o.symbol === symbol && o.side === 'sell')) return { ok: true };
    const order = sellOrderOf(this.nextOrderId(), position, strategy, reason, at);
    this.options.ledger.transaction(() => this.options.ledger.insertOrder(order, 'pending'));
    this.seq += 1;
    this.pending.push(order);
    return { ok: true };
  }

  /** Closes every position now at its latest mark (a market order now), cancelling waiting orders. */
  closeAll(reason: ExitReason, at: number): BrokerEvent[] {
    const events: BrokerEvent[] = [];
    for (const order of [...this.pending]) this.cancel(order, reason);
    for (const position of [...this.positions.values()]) {
      events.push(this.close(position, this.sellNow(position, position.mark), reason, at, null));
    }
    return events;
  }

  /**
   * A live mark between candles: stops and targets act on it at once. A stop crossed by the
   * mark is a market sell now (the live book, else the mark moved by slippage); a target is a
   * resting limit, filled at its price once the mark trades through it.
   */
  onMark(symbol: string, price: number, at: number): BrokerEvent[] {
    assertPrice(price, `mark of ${symbol}`);
    const position = this.positions.get(symbol);
    if (!position) return [];
    const trigger = exitInsideCandle({ open: price, high: price, low: price }, position.stop, position.trailingStop, position.target);
    if (trigger) {
      const fill = trigger.market ? this.sellNow(position, price) : { price: trigger.price, reference: trigger.price };
      return [this.close(position, fill, trigger.kind, at, null)];
    }
    position.mark = price;
    const moved = this.advanceTrailing(position, price);
    return moved ? [{ kind: 'stop_moved', position: moved }] : [];
  }

  /** Sets the last traded price without evaluating stops. */
  mark(symbol: string, price: number): void {
    assertPrice(price, `mark of ${symbol}`);
    const position = this.positions.get(symbol);
    if (position) position.mark = price;
  }

  protected fillAtOpen(order: PendingOrder, candle: Candle): BrokerEvent[] {
    const market = this.requireMarket(order.symbol);
    if (order.side === 'sell') {
      const position = this.positions.get(order.symbol);
      if (!position) {
        this.cancel(order, Reason.NO_POSITION);
        return [];
      }
      const bids = this.bookLevels(order.symbol, 'sell');
      // From the book the sell happens at the candle's close: slippage counts from the price then.
      return [this.close(position, this.sellNow(position, bids === null ? candle.open : candle.close, bids), 'signal', bids === null ? candle.ts : this.closeOf(candle), order.id)];
    }
    if (this.positions.has(order.symbol)) return [this.reject(order, Reason.POSITION_EXISTS)];
    const asks = this.bookLevels(order.symbol, 'buy');
    const fill = this.buyNow(order.symbol, order.quantity, asks === null ? candle.open : candle.close, asks);
    if (fill === null) return [this.reject(order, Reason.INSUFFICIENT_LIQUIDITY)];
    const fromBook = asks !== null;
    const opening = openingOf(order, fill, fromBook ? this.closeOf(candle) : candle.ts, fromBook ? candle.close : candle.open, market, this.available);
    if (opening === null) return [this.reject(order, Reason.INSUFFICIENT_BALANCE)];
    const { position } = opening;
    const balance = roundCash(this.balance - opening.cost);
    const reserved = roundCash(this.reserved - order.reserved);
    assertCash(balance, reserved, `buying ${order.quantity} ${order.symbol} at ${position.entry}`);
    this.options.ledger.transaction(() => {
      this.options.ledger.closeOrder(order.id, 'filled', null);
      this.options.ledger.insertFill({ orderId: order.id, symbol: order.symbol, side: 'buy', quantity: order.quantity, price: position.entry, fee: position.entryFee, slippage: position.entrySlippage, ts: position.openedAt });
      this.options.ledger.upsertPosition(position);
      this.options.ledger.setSetting(BALANCE_KEY, balance);
    });
    this.removePending(order);
    this.reserved = reserved;
    this.balance = balance;
    this.positions.set(position.symbol, position);
    return [{ kind: 'opened', position }];
  }

  /**
   * The live book's levels a market order of `side` would take now, best first; null when there
   * is no book, and the candle rule applies. An empty bid side counts as no book: exits are
   * never refused, whereas a buy that finds no asks is.
   */
  private bookLevels(symbol: string, side: 'buy' | 'sell'): readonly BookLevel[] | null {
    const levels = this.options.book?.levels(symbol, side) ?? null;
    return side === 'sell' && levels?.length === 0 ? null : levels;
  }

  /**
   * When the waiting order of `candle`'s symbol fills on it: at the candle's close when it walks
   * the live book, at its open under the candle rule (and with no waiting order). A candle with
   * a waiting order has no other event: a sell takes the position, a buy's position is younger
   * than the candle's range.
   */
  fillTimeOf(candle: Candle): number {
    if (this.options.book === undefined || this.pending.length === 0) return candle.ts;
    const order = this.fillableBy(candle)[0];
    return order === undefined || this.bookLevels(order.symbol, order.side) === null ? candle.ts : this.closeOf(candle);
  }

  /** When a fill from the live book happens: once `candle` has closed (the candle rule's time without a timeframe). */
  private closeOf(candle: Candle): number {
    return candle.ts + (this.options.timeframeMs ?? 0);
  }

  /** A market buy now: the live book (`levels`) for its size when there is one, else `reference` moved by slippage onto the tick. Null: the book is too thin. */
  private buyNow(symbol: string, quantity: number, reference: number, levels: readonly BookLevel[] | null): TakerFill | null {
    if (levels === null) return { price: slippedPrice(reference, 'buy', this.slippageBps, this.requireMarket(symbol).priceTick), reference };
    const walk = walkBook('buy', quantity, levels);
    return walk.complete ? { price: walk.price, reference } : null;
  }

  /**
   * A market sell now. Exits are never refused: when the live book is thinner than the
   * position, the rest is priced at the last level reached moved by slippage once more.
   */
  private sellNow(position: Position, reference: number, levels = this.bookLevels(position.symbol, 'sell')): TakerFill {
    const market = this.requireMarket(position.symbol);
    if (levels === null) return { price: slippedPrice(reference, 'sell', this.slippageBps, market.priceTick), reference };
    const walk = walkBook('sell', position.quantity, levels);
    if (walk.complete) return { price: walk.price, reference };
    const rest = position.quantity - walk.filled;
    const restPrice = slippedPrice(walk.worstPrice, 'sell', this.slippageBps, market.priceTick);
    return { price: (walk.price * walk.filled + restPrice * rest) / position.quantity, reference };
  }

  protected close(position: Position, fill: TakerFill, reason: ExitReason, at: number, orderId: string | null): BrokerEvent {
    const { trade, exitFee, exitSlippage, balance } = closingOf(position, fill, reason, at, this.requireMarket(position.symbol), this.balance);
    const price = fill.price;
    assertCash(balance, this.reserved, `selling ${position.quantity} ${position.symbol} at ${price}`);
    const fillOrderId = orderId ?? this.nextOrderId();
    const seq = orderId === null ? this.seq + 1 : this.seq;
    // A stop or target that a live mark fires while an exit signal's sell still waits for its candle: that sell has nothing left to sell.
    const orphan = orderId === null ? this.pending.find((o) => o.symbol === position.symbol && o.side === 'sell') : undefined;
    this.options.ledger.transaction(() => {
      if (orderId === null) {
        // A stop, a target or a flatten: the order is placed and filled in this one event.
        this.options.ledger.insertOrder(sellOrderOf(fillOrderId, position, position.strategy, reason, at), 'filled', reason);
      } else {
        this.options.ledger.closeOrder(fillOrderId, 'filled', reason);
      }
      if (orphan) this.options.ledger.closeOrder(orphan.id, 'cancelled', Reason.NO_POSITION);
      this.options.ledger.insertFill({ orderId: fillOrderId, symbol: position.symbol, side: 'sell', quantity: position.quantity, price, fee: exitFee, slippage: exitSlippage, ts: at });
      this.options.ledger.deletePosition(position.id);
      this.options.ledger.insertTrade(trade);
      this.options.ledger.setSetting(BALANCE_KEY, balance);
    });
    this.seq = seq;
    if (orderId !== null) this.pending = this.pending.filter((o) => o.id !== orderId);
    if (orphan) this.releaseOrder(orphan);
    this.balance = balance;
    this.positions.delete(position.symbol);
    return { kind: 'closed', trade };
  }

  private reject(order: PendingOrder, reason: string): BrokerEvent {
    this.cancel(order, reason, 'rejected');
    return { kind: 'order_rejected', order, reason };
  }

  private cancel(order: PendingOrder, reason: string, status: 'cancelled' | 'rejected' = 'cancelled'): void {
    this.options.ledger.transaction(() => this.options.ledger.closeOrder(order.id, status, reason));
    this.releaseOrder(order);
  }

  protected override saveMovedStop(position: Position): void {
    this.options.ledger.transaction(() => this.options.ledger.upsertPosition(position));
    this.unsaved.delete(position.symbol);
  }

  protected override highWaterRaised(position: Position): void {
    if (position.trailing) this.unsaved.add(position.symbol);
  }

  /**
   * Writes what changed without an event (a trailing position's high-water mark). The engine
   * calls it with its market-time checkpoint, so a restart resumes both from the same candle
   * and trails from the same level as an uninterrupted run.
   */
  checkpoint(): void {
    const dirty = [...this.unsaved].flatMap((symbol) => this.positions.get(symbol) ?? []);
    this.unsaved.clear();
    if (dirty.length > 0) this.options.ledger.transaction(() => dirty.forEach((p) => this.options.ledger.upsertPosition(p)));
  }

  /** The id the next order gets; the counter moves only once the order is in the ledger. */
  private nextOrderId(): string {
    return orderIdOf(this.seq + 1);
  }

  private assertBooks(): void {
    assertCash(this.balance, this.reserved, 'the books');
  }
}

