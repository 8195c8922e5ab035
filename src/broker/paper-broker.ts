import type { Candle } from '../model/candle.js';
import { InvariantError } from '../model/errors.js';
import { activeStopLevel, exitInsideCandle, raisedTrailingStop, slippedPrice } from '../model/fill-rules.js';
import { floorToStep, roundCash, roundToTick, type MarketSpec } from '../model/market.js';
import type { ExitReason, PendingOrder, Position, TradeRecord } from '../model/position.js';
import { Reason } from '../model/reason-codes.js';
import type { TrailingSpec } from '../model/signal.js';
import type { BookSource } from '../ports/book-source.js';
import type { Ledger } from '../ports/ledger.js';
import { walkBook } from './walk-book.js';

export type BrokerEvent =
  | { kind: 'opened'; position: Position }
  | { kind: 'closed'; trade: TradeRecord }
  | { kind: 'stop_moved'; position: Position }
  | { kind: 'order_rejected'; order: PendingOrder; reason: string };

export interface EntryRequest {
  readonly symbol: string;
  readonly quantity: number;
  readonly referencePrice: number;
  readonly stopDistance: number;
  readonly targetDistance: number | null;
  readonly trailing: TrailingSpec | null;
  readonly strategy: string;
  readonly reason: string;
  readonly at: number;
}

export interface PaperBrokerOptions {
  readonly ledger: Ledger;
  readonly markets: ReadonlyMap<string, MarketSpec>;
  readonly slippageBps: number;
  readonly startingBalance: number;
  /** Live only: market orders walk this book for their size instead of taking the candle's open ± slippage. */
  readonly book?: BookSource;
}

const BALANCE_KEY = 'account.balance';
const SEQ_KEY = 'broker.seq';

/** A market order's price, and what it would have been without costs (for the slippage column). */
interface TakerFill {
  readonly price: number;
  readonly reference: number;
}

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
export class PaperBroker {
  private balance: number;
  private reserved = 0;
  private seq: number;
  private readonly positions = new Map<string, Position>();
  private pending: PendingOrder[] = [];
  /** Symbols whose position changed in memory since the last checkpoint. */
  private readonly unsaved = new Set<string>();

  constructor(private readonly options: PaperBrokerOptions) {
    const { ledger } = options;
    this.balance = ledger.getSetting<number>(BALANCE_KEY) ?? options.startingBalance;
    // Ledgers before 2026-11 wrote the sequence as a setting; now the order ids are the record.
    this.seq = Math.max(ledger.getSetting<number>(SEQ_KEY) ?? 0, seqOf(ledger.lastOrderId()));
    for (const position of ledger.loadPositions()) this.positions.set(position.symbol, position);
    this.pending = ledger.loadPendingOrders();
    this.reserved = roundCash(this.pending.reduce((sum, order) => sum + order.reserved, 0));
    this.assertBooks();
  }

  get cash(): number {
    return this.balance;
  }

  get available(): number {
    return roundCash(this.balance - this.reserved);
  }

  get reservedCash(): number {
    return this.reserved;
  }

  openPositions(): readonly Position[] {
    return [...this.positions.values()];
  }

  position(symbol: string): Position | undefined {
    return this.positions.get(symbol);
  }

  hasPendingOrder(symbol: string): boolean {
    return this.pending.some((order) => order.symbol === symbol);
  }

  pendingOrders(): readonly PendingOrder[] {
    return this.pending;
  }

  equity(): number {
    let value = this.balance;
    for (const p of this.positions.values()) value += p.quantity * p.mark;
    const equity = roundCash(value);
    if (!Number.isFinite(equity)) throw new InvariantError(`equity is ${equity} (balance ${this.balance})`);
    return equity;
  }

  /** Sum over positions of (mark − stop in force) × quantity, plus pending buys at their planned stop: what the stops put at risk. */
  riskAtStops(): number {
    let risk = 0;
    for (const p of this.positions.values()) risk += Math.max(0, p.mark - activeStop(p)) * p.quantity;
    for (const o of this.pending) if (o.side === 'buy') risk += o.stopDistance * o.quantity;
    return risk;
  }

  market(symbol: string): MarketSpec | undefined {
    return this.options.markets.get(symbol);
  }

  /** Estimated cash a buy of `quantity` at `price` needs under the candle rule, fee included: what is reserved. */
  costOfBuy(symbol: string, quantity: number, price: number): number {
    const market = this.requireMarket(symbol);
    const fill = slippedPrice(price, 'buy', this.options.slippageBps, market.priceTick);
    return roundCash(quantity * fill * (1 + market.takerFee));
  }

  submitEntry(request: EntryRequest): { ok: true; order: PendingOrder } | { ok: false; reason: string } {
    const market = this.options.markets.get(request.symbol);
    if (!market) return { ok: false, reason: Reason.UNKNOWN_MARKET };
    assertPrice(request.referencePrice, `reference price of the ${request.symbol} entry`);
    if (!(request.stopDistance > 0) || !Number.isFinite(request.stopDistance)) return { ok: false, reason: Reason.INVALID_STOP };
    if (this.positions.has(request.symbol) || this.hasPendingOrder(request.symbol)) return { ok: false, reason: Reason.POSITION_EXISTS };
    const quantity = floorToStep(request.quantity, market.amountStep);
    if (!(quantity > 0) || quantity < market.minAmount) return { ok: false, reason: Reason.BELOW_MIN_AMOUNT };
    if (quantity > market.maxAmount) return { ok: false, reason: Reason.ABOVE_MAX_AMOUNT };
    if (quantity * request.referencePrice < market.minCost) return { ok: false, reason: Reason.BELOW_MIN_COST };
    const reserved = this.costOfBuy(request.symbol, quantity, request.referencePrice);
    if (reserved > this.available) return { ok: false, reason: Reason.INSUFFICIENT_BALANCE };
    const order: PendingOrder = {
      id: this.peekId('ord'),
      symbol: request.symbol,
      side: 'buy',
      quantity,
      reserved,
      createdAt: request.at,
      strategy: request.strategy,
      reason: request.reason,
      positionId: null,
      stopDistance: request.stopDistance,
      targetDistance: request.targetDistance,
      trailing: request.trailing,
    };
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
    const order: PendingOrder = {
      id: this.peekId('ord'),
      symbol,
      side: 'sell',
      quantity: position.quantity,
      reserved: 0,
      createdAt: at,
      strategy,
      reason,
      positionId: position.id,
      stopDistance: 0,
      targetDistance: null,
      trailing: null,
    };
    this.options.ledger.transaction(() => this.options.ledger.insertOrder(order, 'pending'));
    this.seq += 1;
    this.pending.push(order);
    return { ok: true };
  }

  /** Fills waiting orders at this candle's open, then lets stops and targets act on its range. */
  onCandle(candle: Candle): readonly BrokerEvent[] {
    assertCandle(candle);
    // Most candles change nothing: they allocate no event list.
    if (this.pending.length === 0 && this.positions.size === 0) return NO_EVENTS;
    const events: BrokerEvent[] = [];
    if (this.pending.length > 0) {
      // Only candles after the one that produced the order: a restart that delivers the
      // signal's candle again (it crashed before the checkpoint) must not fill at its open.
      for (const order of this.pending.filter((o) => o.symbol === candle.symbol && o.createdAt < candle.ts)) events.push(...this.fillAtOpen(order, candle));
    }
    const position = this.positions.get(candle.symbol);
    if (!position) return events;
    const market = this.requireMarket(position.symbol);
    const trigger = exitInsideCandle(candle, position.stop, position.trailingStop, position.target);
    if (trigger) {
      // A triggered stop is a market order at the stop level (or the gapped open); a target is a resting limit.
      const price = trigger.market ? slippedPrice(trigger.price, 'sell', this.options.slippageBps, market.priceTick) : trigger.price;
      events.push(this.close(position, { price, reference: trigger.price }, trigger.kind, candle.ts, null));
      return events;
    }
    position.mark = candle.close;
    const moved = this.advanceTrailing(position, candle.high);
    if (moved) events.push({ kind: 'stop_moved', position: moved });
    return events;
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

  private fillAtOpen(order: PendingOrder, candle: Candle): BrokerEvent[] {
    const market = this.requireMarket(order.symbol);
    if (order.side === 'sell') {
      const position = this.positions.get(order.symbol);
      if (!position) {
        this.cancel(order, Reason.NO_POSITION);
        return [];
      }
      return [this.close(position, this.sellNow(position, candle.open), 'signal', candle.ts, order.id)];
    }
    if (this.positions.has(order.symbol)) return [this.reject(order, Reason.POSITION_EXISTS)];
    const fill = this.buyNow(order.symbol, order.quantity, candle.open);
    if (fill === null) return [this.reject(order, Reason.INSUFFICIENT_LIQUIDITY)];
    const notional = order.quantity * fill.price;
    const fee = roundCash(notional * market.takerFee);
    const cost = roundCash(notional + fee);
    // The order may use its own reservation plus free cash, never cash reserved for another order.
    if (cost > roundCash(this.available + order.reserved)) return [this.reject(order, Reason.INSUFFICIENT_BALANCE)];
    const entry = fill.price;
    const position: Position = {
      id: order.id.replace(/^ord/, 'pos'),
      symbol: order.symbol,
      side: 'long',
      quantity: order.quantity,
      entry,
      entryFee: fee,
      entrySlippage: roundCash(order.quantity * (fill.price - fill.reference)),
      stop: roundToTick(entry - order.stopDistance, market.priceTick),
      target: order.targetDistance === null ? null : roundToTick(entry + order.targetDistance, market.priceTick),
      trailing: order.trailing,
      highWater: entry,
      trailingStop: null,
      strategy: order.strategy,
      openedAt: candle.ts,
      mark: candle.open,
    };
    const balance = roundCash(this.balance - cost);
    const reserved = roundCash(this.reserved - order.reserved);
    assertCash(balance, reserved, `buying ${order.quantity} ${order.symbol} at ${entry}`);
    this.options.ledger.transaction(() => {
      this.options.ledger.closeOrder(order.id, 'filled', null);
      this.options.ledger.insertFill({ orderId: order.id, symbol: order.symbol, side: 'buy', quantity: order.quantity, price: entry, fee, slippage: position.entrySlippage, ts: candle.ts });
      this.options.ledger.upsertPosition(position);
      this.options.ledger.setSetting(BALANCE_KEY, balance);
    });
    this.removePending(order);
    this.reserved = reserved;
    this.balance = balance;
    this.positions.set(position.symbol, position);
    return [{ kind: 'opened', position }];
  }

  /** A market buy now: the live book for its size when there is one, else `reference` moved by slippage onto the tick. Null: the book is too thin. */
  private buyNow(symbol: string, quantity: number, reference: number): TakerFill | null {
    const levels = this.options.book?.levels(symbol, 'buy') ?? null;
    if (levels === null) return { price: slippedPrice(reference, 'buy', this.options.slippageBps, this.requireMarket(symbol).priceTick), reference };
    const walk = walkBook('buy', quantity, levels);
    return walk.complete ? { price: walk.price, reference } : null;
  }

  /**
   * A market sell now. Exits are never refused: when the live book is thinner than the
   * position, the rest is priced at the last level reached moved by slippage once more.
   */
  private sellNow(position: Position, reference: number): TakerFill {
    const market = this.requireMarket(position.symbol);
    const levels = this.options.book?.levels(position.symbol, 'sell') ?? null;
    if (levels === null || levels.length === 0) return { price: slippedPrice(reference, 'sell', this.options.slippageBps, market.priceTick), reference };
    const walk = walkBook('sell', position.quantity, levels);
    if (walk.complete) return { price: walk.price, reference };
    const rest = position.quantity - walk.filled;
    const restPrice = slippedPrice(walk.worstPrice, 'sell', this.options.slippageBps, market.priceTick);
    return { price: (walk.price * walk.filled + restPrice * rest) / position.quantity, reference };
  }

  private close(position: Position, fill: TakerFill, reason: ExitReason, at: number, orderId: string | null): BrokerEvent {
    const market = this.requireMarket(position.symbol);
    const price = fill.price;
    assertPrice(price, `exit price of ${position.symbol}`);
    const notional = position.quantity * price;
    const exitFee = roundCash(notional * market.takerFee);
    const exitSlippage = roundCash(position.quantity * (fill.reference - price));
    const gross = roundCash((price - position.entry) * position.quantity);
    const fees = roundCash(position.entryFee + exitFee);
    const net = roundCash(gross - fees);
    const trade: TradeRecord = {
      id: position.id.replace(/^pos/, 'trd'),
      symbol: position.symbol,
      side: 'long',
      strategy: position.strategy,
      opened_at: new Date(position.openedAt).toISOString(),
      closed_at: new Date(at).toISOString(),
      entry: position.entry,
      exit: price,
      quantity: position.quantity,
      gross_pnl: gross,
      fees,
      slippage: roundCash(position.entrySlippage + exitSlippage),
      net_pnl: net,
      return_pct: (net / (position.entry * position.quantity)) * 100,
      exit_reason: reason,
      hold_s: Math.max(0, Math.round((at - position.openedAt) / 1000)),
    };
    const balance = roundCash(this.balance + notional - exitFee);
    assertCash(balance, this.reserved, `selling ${position.quantity} ${position.symbol} at ${price}`);
    const fillOrderId = orderId ?? this.peekId('ord');
    const seq = orderId === null ? this.seq + 1 : this.seq;
    this.options.ledger.transaction(() => {
      if (orderId === null) {
        // A stop, a target or a flatten: the order is placed and filled in this one event.
        this.options.ledger.insertOrder(
          { id: fillOrderId, symbol: position.symbol, side: 'sell', quantity: position.quantity, reserved: 0, createdAt: at, strategy: position.strategy, reason, positionId: position.id, stopDistance: 0, targetDistance: null, trailing: null },
          'filled',
          reason,
        );
      } else {
        this.options.ledger.closeOrder(fillOrderId, 'filled', reason);
      }
      this.options.ledger.insertFill({ orderId: fillOrderId, symbol: position.symbol, side: 'sell', quantity: position.quantity, price, fee: exitFee, slippage: exitSlippage, ts: at });
      this.options.ledger.deletePosition(position.id);
      this.options.ledger.insertTrade(trade);
      this.options.ledger.setSetting(BALANCE_KEY, balance);
    });
    this.seq = seq;
    if (orderId !== null) this.pending = this.pending.filter((o) => o.id !== orderId);
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
    this.removePending(order);
    this.reserved = roundCash(this.reserved - order.reserved);
  }

  /**
   * Raises the high-water mark with this candle's high (after the exit check, so the candle's
   * own low was judged against the previous level) and trails the stop. A moved stop is
   * written at once and returned; a high-water mark that rose without moving it is written at
   * the next `checkpoint`, with the market time it belongs to.
   */
  private advanceTrailing(position: Position, high: number): Position | null {
    if (!(high > position.highWater)) return null;
    const trailingStop = position.trailing ? raisedTrailingStop({ ...position, highWater: high }, position.trailing, this.requireMarket(position.symbol).priceTick) : null;
    if (trailingStop === null) {
      position.highWater = high;
      if (position.trailing) this.unsaved.add(position.symbol);
      return null;
    }
    const next: Position = { ...position, highWater: high, trailingStop };
    this.options.ledger.transaction(() => this.options.ledger.upsertPosition(next));
    this.positions.set(next.symbol, next);
    this.unsaved.delete(next.symbol);
    return next;
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

  private removePending(order: PendingOrder): void {
    this.pending = this.pending.filter((o) => o.id !== order.id);
  }

  /** The id the next order gets; the counter moves only once the order is in the ledger. */
  private peekId(prefix: string): string {
    return `${prefix}-${String(this.seq + 1).padStart(8, '0')}`;
  }

  private requireMarket(symbol: string): MarketSpec {
    const market = this.options.markets.get(symbol);
    if (!market) throw new InvariantError(`no market data for ${symbol}`);
    return market;
  }

  private assertBooks(): void {
    assertCash(this.balance, this.reserved, 'the books');
  }
}

export function activeStop(position: Position): number {
  return activeStopLevel(position.stop, position.trailingStop).level;
}

/** Cash can be neither NaN nor negative, and reservations cannot exceed it: spot cannot borrow. */
function assertCash(balance: number, reserved: number, during: string): void {
  if (!Number.isFinite(balance) || balance < -1e-6) throw new InvariantError(`cash balance would be ${balance} after ${during}`);
  if (!Number.isFinite(reserved) || reserved < -1e-6 || reserved > balance + 1e-6) {
    throw new InvariantError(`reserved cash ${reserved} would not fit the balance ${balance} after ${during}`);
  }
}

function assertPrice(price: number, what: string): void {
  if (!(price > 0) || !Number.isFinite(price)) throw new InvariantError(`${what} is ${price}, not a positive price`);
}

/** What a candle that changes nothing returns. */
const NO_EVENTS: readonly BrokerEvent[] = Object.freeze([]);

/** The sequence number in an order id (`ord-00000042` → 42); 0 when there is none. */
function seqOf(orderId: string | null): number {
  const match = orderId === null ? null : /^ord-(\d+)$/.exec(orderId);
  return match ? Number(match[1]) : 0;
}

/** A candle the feed let through with a non-price or an impossible range would corrupt the books. */
function assertCandle(candle: Candle): void {
  const { open, high, low, close } = candle;
  // Hot path: one comparison chain per candle; messages are built only when something is wrong.
  if (open > 0 && high > 0 && low > 0 && close > 0 && high < Infinity && low <= Math.min(open, close) && high >= Math.max(open, close)) return;
  for (const [name, value] of [['open', open], ['high', high], ['low', low], ['close', close]] as const) assertPrice(value, `${candle.symbol} candle ${candle.ts} ${name}`);
  throw new InvariantError(`${candle.symbol} candle ${candle.ts} has an impossible range (open ${open}, high ${high}, low ${low}, close ${close})`);
}
