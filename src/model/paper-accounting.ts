import type { Candle } from './candle.js';
import { InvariantError } from './errors.js';
import { activeStopLevel, exitInsideCandle, raisedTrailingStop, slippedPrice } from './fill-rules.js';
import { floorToStep, roundCash, roundToTick, type MarketSpec } from './market.js';
import type { ExitReason, PendingOrder, Position, TradeRecord } from './position.js';
import { Reason } from './reason-codes.js';
import type { TrailingSpec } from './signal.js';

/**
 * The paper exchange's accounting as pure functions, shared by the paper broker (which
 * persists every change before it applies it) and the shadow books (which keep theirs in
 * memory), so that a challenger's book and the account can never follow different rules:
 * what an order may be, what a fill costs, what a position and a trade record hold, what the
 * stops put at risk. docs/adr/0002 explains the rules; `fill-rules.ts` holds the price rules.
 */

/** What happened to a paper account's books on a candle, a mark or an order. */
export type BookEvent =
  | { readonly kind: 'opened'; readonly position: Position }
  | { readonly kind: 'closed'; readonly trade: TradeRecord }
  | { readonly kind: 'stop_moved'; readonly position: Position }
  | { readonly kind: 'order_rejected'; readonly order: PendingOrder; readonly reason: string };

/** What a candle that changes nothing returns. */
const NO_EVENTS: readonly BookEvent[] = Object.freeze([]);

/** A market order's price, and what it would have been without costs (for the slippage column). */
export interface TakerFill {
  readonly price: number;
  readonly reference: number;
}

/** What the account holds that an entry must fit next to. */
export interface EntryRoom {
  /** A position or a waiting order on the symbol already. */
  readonly occupied: boolean;
  /** Cash not reserved for other orders. */
  readonly available: number;
}

/** An entry as the engine hands it over: a size, the price it was decided at, the plan as distances from the fill. */
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

/** The order id for a sequence number: `ord-00000042`. Positions and trades take the same number. */
export function orderIdOf(seq: number): string {
  return `ord-${String(seq).padStart(8, '0')}`;
}

/** The sequence number in an order id (`ord-00000042` → 42); 0 when there is none. */
export function seqOfOrderId(orderId: string | null): number {
  const match = orderId === null ? null : /^ord-(\d+)$/.exec(orderId);
  return match ? Number(match[1]) : 0;
}

/** The buy order an entry becomes once sized. */
export function buyOrderOf(id: string, request: EntryRequest, quantity: number, reserved: number): PendingOrder {
  return {
    id,
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
}

/** A market sell of the whole position. */
export function sellOrderOf(id: string, position: Position, strategy: string, reason: string, at: number): PendingOrder {
  return { id, symbol: position.symbol, side: 'sell', quantity: position.quantity, reserved: 0, createdAt: at, strategy, reason, positionId: position.id, stopDistance: 0, targetDistance: null, trailing: null };
}

/** Cash a buy of `quantity` at `price` needs under the candle rule, fee included: what is reserved. */
export function buyCost(market: MarketSpec, quantity: number, price: number, slippageBps: number): number {
  const fill = slippedPrice(price, 'buy', slippageBps, market.priceTick);
  return roundCash(quantity * fill * (1 + market.takerFee));
}

/**
 * The quantity an entry may be ordered at (floored to the market's step, never rounded up)
 * and the cash it reserves, or why it cannot be ordered.
 */
export function sizeOrder(
  market: MarketSpec | undefined,
  plan: EntryRequest,
  room: EntryRoom,
  slippageBps: number,
): { ok: true; quantity: number; reserved: number } | { ok: false; reason: Reason } {
  if (!market) return { ok: false, reason: Reason.UNKNOWN_MARKET };
  assertPrice(plan.referencePrice, `reference price of the ${plan.symbol} entry`);
  if (!(plan.stopDistance > 0) || !Number.isFinite(plan.stopDistance)) return { ok: false, reason: Reason.INVALID_STOP };
  if (room.occupied) return { ok: false, reason: Reason.POSITION_EXISTS };
  const quantity = floorToStep(plan.quantity, market.amountStep);
  if (!(quantity > 0) || quantity < market.minAmount) return { ok: false, reason: Reason.BELOW_MIN_AMOUNT };
  if (quantity > market.maxAmount) return { ok: false, reason: Reason.ABOVE_MAX_AMOUNT };
  if (quantity * plan.referencePrice < market.minCost) return { ok: false, reason: Reason.BELOW_MIN_COST };
  const reserved = buyCost(market, quantity, plan.referencePrice, slippageBps);
  if (reserved > room.available) return { ok: false, reason: Reason.INSUFFICIENT_BALANCE };
  return { ok: true, quantity, reserved };
}

/**
 * The position a buy order opens at `fill`, its fee and its whole cost; null when the cost
 * does not fit the order's own reservation plus free cash (never cash reserved for another
 * order). The plan's distances are re-anchored to the fill, on the tick.
 */
export function openingOf(order: PendingOrder, fill: TakerFill, at: number, mark: number, market: MarketSpec, available: number): { position: Position; cost: number } | null {
  const notional = order.quantity * fill.price;
  const fee = roundCash(notional * market.takerFee);
  const cost = roundCash(notional + fee);
  if (cost > roundCash(available + order.reserved)) return null;
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
    openedAt: at,
    mark,
  };
  return { position, cost };
}

/** The trade that selling `position` at `fill` makes, its exit fee and slippage, and the cash balance after it. */
export function closingOf(position: Position, fill: TakerFill, reason: ExitReason, at: number, market: MarketSpec, balanceBefore: number): { trade: TradeRecord; exitFee: number; exitSlippage: number; balance: number } {
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
  return { trade, exitFee, exitSlippage, balance: roundCash(balanceBefore + notional - exitFee) };
}

/**
 * The trailing stop after a candle whose high is `high` (after the exit check, so the
 * candle's own low was judged against the previous level): null when the high made no new
 * high-water mark; `moved: false` when the mark rose without moving the stop.
 */
export function trailingAfter(position: Position, high: number, priceTick: number): { highWater: number; trailingStop: number | null; moved: boolean } | null {
  if (!(high > position.highWater)) return null;
  const trailingStop = position.trailing ? raisedTrailingStop({ stop: position.stop, trailingStop: position.trailingStop, entry: position.entry, highWater: high }, position.trailing, priceTick) : null;
  return trailingStop === null ? { highWater: high, trailingStop: position.trailingStop, moved: false } : { highWater: high, trailingStop, moved: true };
}

/** Cash plus positions at their marks. */
export function equityOf(balance: number, positions: Iterable<Position>): number {
  let value = balance;
  for (const p of positions) value += p.quantity * p.mark;
  const equity = roundCash(value);
  if (!Number.isFinite(equity)) throw new InvariantError(`equity is ${equity} (balance ${balance})`);
  return equity;
}

/** Sum over positions of (mark − stop in force) × quantity, plus waiting buys at their planned stop: what the stops put at risk. */
export function riskAtStopsOf(positions: Iterable<Position>, pending: readonly PendingOrder[]): number {
  let risk = 0;
  for (const p of positions) risk += Math.max(0, p.mark - activeStopLevel(p.stop, p.trailingStop).level) * p.quantity;
  for (const o of pending) if (o.side === 'buy') risk += o.stopDistance * o.quantity;
  return risk;
}

/** Cash can be neither NaN nor negative, and reservations cannot exceed it: spot cannot borrow. */
export function assertCash(balance: number, reserved: number, during: string): void {
  if (!Number.isFinite(balance) || balance < -1e-6) throw new InvariantError(`cash balance would be ${balance} after ${during}`);
  if (!Number.isFinite(reserved) || reserved < -1e-6 || reserved > balance + 1e-6) {
    throw new InvariantError(`reserved cash ${reserved} would not fit the balance ${balance} after ${during}`);
  }
}

export function assertPrice(price: number, what: string): void {
  if (!(price > 0) || !Number.isFinite(price)) throw new InvariantError(`${what} is ${price}, not a positive price`);
}

/** A candle with a non-price or an impossible range would corrupt the books. */
export function assertCandle(candle: Candle): void {
  const { open, high, low, close } = candle;
  // Hot path: one comparison chain per candle; messages are built only when something is wrong.
  if (open > 0 && high > 0 && low > 0 && close > 0 && high < Infinity && low <= Math.min(open, close) && high >= Math.max(open, close)) return;
  for (const [name, value] of [['open', open], ['high', high], ['low', low], ['close', close]] as const) assertPrice(value, `${candle.symbol} candle ${candle.ts} ${name}`);
  throw new InvariantError(`${candle.symbol} candle ${candle.ts} has an impossible range (open ${open}, high ${high}, low ${low}, close ${close})`);
}

/** What a paper account holds, as it is restored. */
export interface PaperBooksState {
  readonly balance: number;
  readonly seq: number;
  readonly positions: readonly Position[];
  readonly pending: readonly PendingOrder[];
}

/**
 * The books every paper account keeps (cash, reserved cash, the order sequence, positions and
 * waiting orders) and what can be read from them. The paper broker and the shadow books extend
 * it with how they change: the broker writes each change to the ledger before it applies it,
 * a shadow book only applies it.
 */
export abstract class PaperBooks {
  protected balance: number;
  protected reserved: number;
  protected seq: number;
  protected readonly positions = new Map<string, Position>();
  protected pending: PendingOrder[];

  protected constructor(
    protected readonly markets: ReadonlyMap<string, MarketSpec>,
    protected readonly slippageBps: number,
    state: PaperBooksState,
  ) {
    this.balance = state.balance;
    this.seq = state.seq;
    for (const position of state.positions) this.positions.set(position.symbol, position);
    this.pending = [...state.pending];
    this.reserved = roundCash(this.pending.reduce((sum, order) => sum + order.reserved, 0));
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

  get openPositionCount(): number {
    return this.positions.size;
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
    return equityOf(this.balance, this.positions.values());
  }

  /** Sum over positions of (mark − stop in force) × quantity, plus waiting buys at their planned stop: what the stops put at risk. */
  riskAtStops(): number {
    return riskAtStopsOf(this.positions.values(), this.pending);
  }

  market(symbol: string): MarketSpec | undefined {
    return this.markets.get(symbol);
  }

  /** Cash a buy of `quantity` at `price` needs under the candle rule, fee included: what is reserved. */
  costOfBuy(symbol: string, quantity: number, price: number): number {
    return buyCost(this.requireMarket(symbol), quantity, price, this.slippageBps);
  }

  /**
   * Fills waiting orders at this candle's open, then lets stops and targets act on its range:
   * a triggered stop is a market sell at the stop level (or the gapped open) moved by
   * slippage, a target a resting limit filled at its price; a stop and a target inside one
   * candle is the stop. Then the trailing stop follows the candle's high.
   */
  onCandle(candle: Candle): readonly BookEvent[] {
    assertCandle(candle);
    // Most candles change nothing: they allocate no event list.
    if (this.pending.length === 0 && this.positions.size === 0) return NO_EVENTS;
    const events: BookEvent[] = [];
    if (this.pending.length > 0) for (const order of this.fillableBy(candle)) events.push(...this.fillAtOpen(order, candle));
    const position = this.positions.get(candle.symbol);
    if (!position) return events;
    // Filled from a live book once this candle had closed: its range happened before the position existed.
    if (position.openedAt > candle.ts) return events;
    const trigger = exitInsideCandle(candle, position.stop, position.trailingStop, position.target);
    if (trigger) {
      const price = trigger.market ? slippedPrice(trigger.price, 'sell', this.slippageBps, this.requireMarket(position.symbol).priceTick) : trigger.price;
      events.push(this.close(position, { price, reference: trigger.price }, trigger.kind, candle.ts, null));
      return events;
    }
    position.mark = candle.close;
    const moved = this.advanceTrailing(position, candle.high);
    if (moved) events.push({ kind: 'stop_moved', position: moved });
    return events;
  }

  /** Fills (or rejects, or cancels) one waiting order at `candle`'s open. */
  protected abstract fillAtOpen(order: PendingOrder, candle: Candle): BookEvent[];

  /** Sells the whole position at `fill`; `orderId` is the waiting sell order it fills, null for a stop, a target or a flatten. */
  protected abstract close(position: Position, fill: TakerFill, reason: ExitReason, at: number, orderId: string | null): BookEvent;

  /**
   * Raises the high-water mark with this candle's high (after the exit check, so the candle's
   * own low was judged against the previous level) and trails the stop; returns the position
   * when its stop moved. `saveMovedStop` runs before the books change, `highWaterRaised` after
   * a rise that moved nothing.
   */
  protected advanceTrailing(position: Position, high: number): Position | null {
    const trail = trailingAfter(position, high, this.requireMarket(position.symbol).priceTick);
    if (trail === null) return null;
    if (!trail.moved) {
      position.highWater = trail.highWater;
      this.highWaterRaised(position);
      return null;
    }
    const next: Position = { ...position, highWater: trail.highWater, trailingStop: trail.trailingStop };
    this.saveMovedStop(next);
    this.positions.set(next.symbol, next);
    return next;
  }

  /** A moved trailing stop, before the books take it: the broker writes it to the ledger. */
  protected saveMovedStop(_position: Position): void {}

  /** A high-water mark that rose without moving the stop: the broker writes it at its next checkpoint. */
  protected highWaterRaised(_position: Position): void {}

  /** Takes a waiting order off the books and frees the cash it reserved. */
  protected releaseOrder(order: PendingOrder): void {
    this.removePending(order);
    this.reserved = roundCash(this.reserved - order.reserved);
  }

  /** The entry's size and reservation against these books, or why it cannot be ordered. */
  protected sizeEntry(request: EntryRequest): ReturnType<typeof sizeOrder> {
    const occupied = this.positions.has(request.symbol) || this.hasPendingOrder(request.symbol);
    return sizeOrder(this.markets.get(request.symbol), request, { occupied, available: this.available }, this.slippageBps);
  }

  /**
   * The waiting orders `candle` fills: its symbol's, placed before it. A restart that feeds
   * the candle that produced an order again (it died before its checkpoint) must not fill
   * the order at that candle's open, a price from before the signal.
   */
  protected fillableBy(candle: Candle): PendingOrder[] {
    return this.pending.filter((o) => o.symbol === candle.symbol && o.createdAt < candle.ts);
  }

  protected removePending(order: PendingOrder): void {
    this.pending = this.pending.filter((o) => o.id !== order.id);
  }

  protected requireMarket(symbol: string): MarketSpec {
    const market = this.markets.get(symbol);
    if (!market) throw new InvariantError(`no market data for ${symbol}`);
    return market;
  }
}
