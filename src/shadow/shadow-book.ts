import type { Candle } from '../model/candle.js';
import { InvariantError } from '../model/errors.js';
import { activeStopLevel, exitInsideCandle, raisedTrailingStop, slippedPrice } from '../model/fill-rules.js';
import { floorToStep, roundCash, roundToTick, type MarketSpec } from '../model/market.js';
import type { ExitReason, PendingOrder, Position, TradeRecord } from '../model/position.js';
import { Reason } from '../model/reason-codes.js';
import type { TrailingSpec } from '../model/signal.js';
import type { ShadowBookState } from '../ports/shadow-store.js';

export type ShadowEvent =
  | { readonly kind: 'opened'; readonly position: Position }
  | { readonly kind: 'closed'; readonly trade: TradeRecord }
  | { readonly kind: 'stop_moved'; readonly position: Position }
  | { readonly kind: 'order_rejected'; readonly order: PendingOrder; readonly reason: string };

/** An entry as the engine hands it to the paper broker: the plan as distances from the fill. */
export interface ShadowEntry {
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

export interface ShadowBookOptions {
  readonly markets: ReadonlyMap<string, MarketSpec>;
  readonly slippageBps: number;
  readonly startingBalance: number;
}

/**
 * A virtual spot account for one challenger or advisor, on the paper broker's exact rules
 * (docs/adr/0002, `model/fill-rules.ts`): market orders wait for the next candle of their
 * symbol and fill at its open moved by slippage onto the tick, paying the taker fee; a buy's
 * cash is reserved when it is placed and a fill costing more than its reservation plus free
 * cash is rejected whole; quantities are floored to the step and checked against the
 * market's limits; stops, targets and trailing stops act on each candle's range,
 * pessimistically. Ids, rounding and trade records are the broker's, so a shadow book fed the
 * same orders as the broker produces the same trades, byte for byte.
 *
 * It differs from the broker in what it is not: it writes nothing itself (the shadow runner
 * persists `snapshot()`), it has no order book to walk (live fills of the champion may differ
 * by the book's depth), and it has no flatten: no operator acts on a shadow.
 */
export class ShadowBook {
  private balance: number;
  private reserved = 0;
  private seq: number;
  private readonly positions = new Map<string, Position>();
  private pending: PendingOrder[] = [];

  constructor(
    private readonly options: ShadowBookOptions,
    state?: ShadowBookState,
  ) {
    this.balance = state?.balance ?? options.startingBalance;
    this.seq = state?.seq ?? 0;
    for (const position of state?.positions ?? []) this.positions.set(position.symbol, { ...position });
    this.pending = [...(state?.pending ?? [])];
    this.reserved = roundCash(this.pending.reduce((sum, order) => sum + order.reserved, 0));
    assertCash(this.balance, this.reserved, 'restoring a shadow book');
  }

  /** The state to persist; `day` belongs to whoever keeps the book's calendar. */
  snapshot(day: ShadowBookState['day']): ShadowBookState {
    return { balance: this.balance, seq: this.seq, positions: this.openPositions().map((p) => ({ ...p })), pending: [...this.pending], day };
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
    if (!Number.isFinite(equity)) throw new InvariantError(`shadow equity is ${equity} (balance ${this.balance})`);
    return equity;
  }

  /** What the stops of open positions and pending buys put at risk, as the broker counts it. */
  riskAtStops(): number {
    let risk = 0;
    for (const p of this.positions.values()) risk += Math.max(0, p.mark - activeStopLevel(p.stop, p.trailingStop).level) * p.quantity;
    for (const o of this.pending) if (o.side === 'buy') risk += o.stopDistance * o.quantity;
    return risk;
  }

  market(symbol: string): MarketSpec | undefined {
    return this.options.markets.get(symbol);
  }

  /** Cash a buy of `quantity` at `price` needs under the candle rule, fee included: what is reserved. */
  costOfBuy(symbol: string, quantity: number, price: number): number {
    const market = this.requireMarket(symbol);
    const fill = slippedPrice(price, 'buy', this.options.slippageBps, market.priceTick);
    return roundCash(quantity * fill * (1 + market.takerFee));
  }

  submitEntry(request: ShadowEntry): { ok: true; order: PendingOrder } | { ok: false; reason: string } {
    const market = this.options.markets.get(request.symbol);
    if (!market) return { ok: false, reason: Reason.UNKNOWN_MARKET };
    assertPrice(request.referencePrice, `reference price of the ${request.symbol} shadow entry`);
    if (!(request.stopDistance > 0) || !Number.isFinite(request.stopDistance)) return { ok: false, reason: Reason.INVALID_STOP };
    if (this.positions.has(request.symbol) || this.hasPendingOrder(request.symbol)) return { ok: false, reason: Reason.POSITION_EXISTS };
    const quantity = floorToStep(request.quantity, market.amountStep);
    if (!(quantity > 0) || quantity < market.minAmount) return { ok: false, reason: Reason.BELOW_MIN_AMOUNT };
    if (quantity > market.maxAmount) return { ok: false, reason: Reason.ABOVE_MAX_AMOUNT };
    if (quantity * request.referencePrice < market.minCost) return { ok: false, reason: Reason.BELOW_MIN_COST };
    const reserved = this.costOfBuy(request.symbol, quantity, request.referencePrice);
    if (reserved > this.available) return { ok: false, reason: Reason.INSUFFICIENT_BALANCE };
    const order: PendingOrder = {
      id: this.nextId(),
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
    this.pending.push(order);
    this.reserved = roundCash(this.reserved + reserved);
    assertCash(this.balance, this.reserved, `reserving for ${order.id}`);
    return { ok: true, order };
  }

  submitExit(symbol: string, strategy: string, reason: string, at: number): { ok: true } | { ok: false; reason: string } {
    const position = this.positions.get(symbol);
    if (!position) return { ok: false, reason: Reason.NO_POSITION };
    if (this.pending.some((o) => o.symbol === symbol && o.side === 'sell')) return { ok: true };
    this.pending.push({
      id: this.nextId(),
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
    });
    return { ok: true };
  }

  /** Fills waiting orders at this candle's open, then lets stops and targets act on its range. */
  onCandle(candle: Candle): ShadowEvent[] {
    assertCandle(candle);
    const events: ShadowEvent[] = [];
    if (this.pending.length > 0) {
      // As the paper broker: only candles after the one that produced the order.
      for (const order of this.pending.filter((o) => o.symbol === candle.symbol && o.createdAt < candle.ts)) events.push(...this.fillAtOpen(order, candle));
    }
    const position = this.positions.get(candle.symbol);
    if (!position) return events;
    const market = this.requireMarket(position.symbol);
    const trigger = exitInsideCandle(candle, position.stop, position.trailingStop, position.target);
    if (trigger) {
      // A triggered stop is a market order at the stop level (or the gapped open); a target is a resting limit.
      const price = trigger.market ? slippedPrice(trigger.price, 'sell', this.options.slippageBps, market.priceTick) : trigger.price;
      events.push(this.close(position, price, trigger.price, trigger.kind, candle.ts, null));
      return events;
    }
    position.mark = candle.close;
    const moved = this.advanceTrailing(position, candle.high);
    if (moved) events.push({ kind: 'stop_moved', position: moved });
    return events;
  }

  private fillAtOpen(order: PendingOrder, candle: Candle): ShadowEvent[] {
    const market = this.requireMarket(order.symbol);
    if (order.side === 'sell') {
      const position = this.positions.get(order.symbol);
      if (!position) {
        this.cancel(order);
        return [];
      }
      return [this.close(position, slippedPrice(candle.open, 'sell', this.options.slippageBps, market.priceTick), candle.open, 'signal', candle.ts, order.id)];
    }
    if (this.positions.has(order.symbol)) return [this.reject(order, Reason.POSITION_EXISTS)];
    const entry = slippedPrice(candle.open, 'buy', this.options.slippageBps, market.priceTick);
    const notional = order.quantity * entry;
    const fee = roundCash(notional * market.takerFee);
    const cost = roundCash(notional + fee);
    // The order may use its own reservation plus free cash, never cash reserved for another order.
    if (cost > roundCash(this.available + order.reserved)) return [this.reject(order, Reason.INSUFFICIENT_BALANCE)];
    const position: Position = {
      id: order.id.replace(/^ord/, 'pos'),
      symbol: order.symbol,
      side: 'long',
      quantity: order.quantity,
      entry,
      entryFee: fee,
      entrySlippage: roundCash(order.quantity * (entry - candle.open)),
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
    assertCash(balance, reserved, `buying ${order.quantity} ${order.symbol} at ${entry} in a shadow book`);
    this.removePending(order);
    this.reserved = reserved;
    this.balance = balance;
    this.positions.set(position.symbol, position);
    return [{ kind: 'opened', position }];
  }

  private close(position: Position, price: number, reference: number, reason: ExitReason, at: number, orderId: string | null): ShadowEvent {
    const market = this.requireMarket(position.symbol);
    assertPrice(price, `exit price of ${position.symbol} in a shadow book`);
    const notional = position.quantity * price;
    const exitFee = roundCash(notional * market.takerFee);
    const exitSlippage = roundCash(position.quantity * (reference - price));
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
    assertCash(balance, this.reserved, `selling ${position.quantity} ${position.symbol} at ${price} in a shadow book`);
    // A stop or target is an order of its own, numbered as the broker numbers it.
    if (orderId === null) this.seq += 1;
    else this.pending = this.pending.filter((o) => o.id !== orderId);
    this.balance = balance;
    this.positions.delete(position.symbol);
    return { kind: 'closed', trade };
  }

  private reject(order: PendingOrder, reason: string): ShadowEvent {
    this.cancel(order);
    return { kind: 'order_rejected', order, reason };
  }

  private cancel(order: PendingOrder): void {
    this.removePending(order);
    this.reserved = roundCash(this.reserved - order.reserved);
  }

  /** Raises the high-water mark with this candle's high, after the exit check, and trails the stop. */
  private advanceTrailing(position: Position, high: number): Position | null {
    if (!(high > position.highWater)) return null;
    const trailingStop = position.trailing ? raisedTrailingStop({ ...position, highWater: high }, position.trailing, this.requireMarket(position.symbol).priceTick) : null;
    if (trailingStop === null) {
      position.highWater = high;
      return null;
    }
    const next: Position = { ...position, highWater: high, trailingStop };
    this.positions.set(next.symbol, next);
    return next;
  }

  private removePending(order: PendingOrder): void {
    this.pending = this.pending.filter((o) => o.id !== order.id);
  }

  private nextId(): string {
    this.seq += 1;
    return `ord-${String(this.seq).padStart(8, '0')}`;
  }

  private requireMarket(symbol: string): MarketSpec {
    const market = this.options.markets.get(symbol);
    if (!market) throw new InvariantError(`no market data for ${symbol}`);
    return market;
  }
}

/** Cash can be neither NaN nor negative, and reservations cannot exceed it: spot cannot borrow. */
function assertCash(balance: number, reserved: number, during: string): void {
  if (!Number.isFinite(balance) || balance < -1e-6) throw new InvariantError(`shadow cash balance would be ${balance} after ${during}`);
  if (!Number.isFinite(reserved) || reserved < -1e-6 || reserved > balance + 1e-6) {
    throw new InvariantError(`shadow reserved cash ${reserved} would not fit the balance ${balance} after ${during}`);
  }
}

function assertPrice(price: number, what: string): void {
  if (!(price > 0) || !Number.isFinite(price)) throw new InvariantError(`${what} is ${price}, not a positive price`);
}

/** A candle with a non-price or an impossible range would corrupt the book. */
function assertCandle(candle: Candle): void {
  const { open, high, low, close } = candle;
  if (open > 0 && high > 0 && low > 0 && close > 0 && high < Infinity && low <= Math.min(open, close) && high >= Math.max(open, close)) return;
  throw new InvariantError(`${candle.symbol} candle ${candle.ts} is not a valid range (open ${open}, high ${high}, low ${low}, close ${close})`);
}
