import type { Candle } from '../model/candle.js';
import { InvariantError } from '../model/errors.js';
import { floorToStep, roundCash, roundToTick, type MarketSpec } from '../model/market.js';
import type { ExitReason, PendingOrder, Position, TradeRecord } from '../model/position.js';
import { Reason } from '../model/reason-codes.js';
import type { TrailingSpec } from '../model/signal.js';
import type { Ledger } from '../ports/ledger.js';
import { exitInsideCandle, slippedPrice } from './fill-model.js';

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
}

const BALANCE_KEY = 'account.balance';
const SEQ_KEY = 'broker.seq';

/**
 * The paper exchange. Market orders wait for the next candle of their symbol and fill at its
 * open moved by slippage, paying the market's taker fee; cash for a buy is reserved when the
 * order is placed, so two signals can never spend the same cash. Every event is one ledger
 * transaction; the in-memory books change only after it commits.
 */
export class PaperBroker {
  private balance: number;
  private reserved = 0;
  private seq: number;
  private readonly positions = new Map<string, Position>();
  private pending: PendingOrder[] = [];

  constructor(private readonly options: PaperBrokerOptions) {
    const { ledger } = options;
    this.balance = ledger.getSetting<number>(BALANCE_KEY) ?? options.startingBalance;
    this.seq = ledger.getSetting<number>(SEQ_KEY) ?? 0;
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
    return roundCash(value);
  }

  /** Sum over positions of (mark − active stop) × quantity: what the stops put at risk. */
  riskAtStops(): number {
    let risk = 0;
    for (const p of this.positions.values()) risk += Math.max(0, p.mark - activeStop(p)) * p.quantity;
    for (const o of this.pending) if (o.side === 'buy') risk += o.stopDistance * o.quantity;
    return risk;
  }

  market(symbol: string): MarketSpec | undefined {
    return this.options.markets.get(symbol);
  }

  /** Estimated cash a buy of `quantity` at `price` needs, fee included. */
  costOfBuy(symbol: string, quantity: number, price: number): number {
    const market = this.requireMarket(symbol);
    const fill = slippedPrice(price, 'buy', this.options.slippageBps);
    return roundCash(quantity * fill * (1 + market.takerFee));
  }

  submitEntry(request: EntryRequest): { ok: true; order: PendingOrder } | { ok: false; reason: string } {
    const market = this.options.markets.get(request.symbol);
    if (!market) return { ok: false, reason: Reason.UNKNOWN_MARKET };
    const quantity = floorToStep(request.quantity, market.amountStep);
    if (quantity < market.minAmount || quantity <= 0) return { ok: false, reason: Reason.BELOW_MIN_AMOUNT };
    if (quantity * request.referencePrice < market.minCost) return { ok: false, reason: Reason.BELOW_MIN_COST };
    const reserved = this.costOfBuy(request.symbol, quantity, request.referencePrice);
    if (reserved > this.available) return { ok: false, reason: Reason.INSUFFICIENT_BALANCE };
    const order: PendingOrder = {
      id: this.nextId('ord'),
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
    this.options.ledger.transaction(() => {
      this.options.ledger.insertOrder(order, 'pending');
      this.persistCounters();
    });
    this.pending.push(order);
    this.reserved = roundCash(this.reserved + reserved);
    return { ok: true, order };
  }

  submitExit(symbol: string, strategy: string, reason: string, at: number): { ok: true } | { ok: false; reason: string } {
    const position = this.positions.get(symbol);
    if (!position) return { ok: false, reason: Reason.NO_POSITION };
    if (this.pending.some((o) => o.symbol === symbol && o.side === 'sell')) return { ok: true };
    const order: PendingOrder = {
      id: this.nextId('ord'),
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
    this.options.ledger.transaction(() => {
      this.options.ledger.insertOrder(order, 'pending');
      this.persistCounters();
    });
    this.pending.push(order);
    return { ok: true };
  }

  /** Fills waiting orders at this candle's open, then lets stops and targets act on its range. */
  onCandle(candle: Candle): BrokerEvent[] {
    const events: BrokerEvent[] = [];
    if (this.pending.length > 0) {
      for (const order of this.pending.filter((o) => o.symbol === candle.symbol)) events.push(...this.fillAtOpen(order, candle));
    }
    const position = this.positions.get(candle.symbol);
    if (!position) return events;
    const trigger = exitInsideCandle(candle, position.stop, position.trailingStop, position.target);
    if (trigger) {
      const price = trigger.slipped ? slippedPrice(trigger.price, 'sell', this.options.slippageBps) : trigger.price;
      events.push(this.close(position, price, trigger.price, trigger.kind, candle.ts, null));
      return events;
    }
    position.mark = candle.close;
    if (this.updateTrailing(position, candle.high)) {
      this.options.ledger.transaction(() => this.options.ledger.upsertPosition(position));
      events.push({ kind: 'stop_moved', position });
    }
    return events;
  }

  /** Closes every position at its latest mark (a market order now), cancelling waiting orders. */
  closeAll(reason: ExitReason, at: number): BrokerEvent[] {
    const events: BrokerEvent[] = [];
    for (const order of [...this.pending]) this.cancel(order, reason);
    for (const position of [...this.positions.values()]) {
      const price = slippedPrice(position.mark, 'sell', this.options.slippageBps);
      events.push(this.close(position, price, position.mark, reason, at, null));
    }
    return events;
  }

  /** Sets the last traded price without evaluating stops (a live mark between candles). */
  mark(symbol: string, price: number): void {
    const position = this.positions.get(symbol);
    if (position) position.mark = price;
  }

  private fillAtOpen(order: PendingOrder, candle: Candle): BrokerEvent[] {
    const market = this.requireMarket(order.symbol);
    const fillPrice = slippedPrice(candle.open, order.side, this.options.slippageBps);
    if (order.side === 'sell') {
      this.removePending(order);
      const position = this.positions.get(order.symbol);
      if (!position) {
        this.options.ledger.transaction(() => this.options.ledger.closeOrder(order.id, 'cancelled', Reason.NO_POSITION));
        return [];
      }
      return [this.close(position, fillPrice, candle.open, 'signal', candle.ts, order.id)];
    }
    const notional = order.quantity * fillPrice;
    const fee = roundCash(notional * market.takerFee);
    const cost = roundCash(notional + fee);
    if (cost > this.available + order.reserved || this.positions.has(order.symbol)) {
      const reason = this.positions.has(order.symbol) ? Reason.POSITION_EXISTS : Reason.INSUFFICIENT_BALANCE;
      this.cancel(order, reason, 'rejected');
      return [{ kind: 'order_rejected', order, reason }];
    }
    const entry = fillPrice;
    const stop = roundToTick(entry - order.stopDistance, market.priceTick);
    const target = order.targetDistance === null ? null : roundToTick(entry + order.targetDistance, market.priceTick);
    const position: Position = {
      id: order.id.replace(/^ord/, 'pos'),
      symbol: order.symbol,
      side: 'long',
      quantity: order.quantity,
      entry,
      entryFee: fee,
      entrySlippage: roundCash(order.quantity * (fillPrice - candle.open)),
      stop,
      target,
      trailing: order.trailing,
      highWater: entry,
      trailingStop: null,
      strategy: order.strategy,
      openedAt: candle.ts,
      mark: candle.open,
    };
    const balance = roundCash(this.balance - cost);
    this.options.ledger.transaction(() => {
      this.options.ledger.closeOrder(order.id, 'filled', null);
      this.options.ledger.insertFill({ orderId: order.id, symbol: order.symbol, side: 'buy', quantity: order.quantity, price: fillPrice, fee, slippage: position.entrySlippage, ts: candle.ts });
      this.options.ledger.upsertPosition(position);
      this.options.ledger.setSetting(BALANCE_KEY, balance);
    });
    this.removePending(order);
    this.reserved = roundCash(this.reserved - order.reserved);
    this.balance = balance;
    this.positions.set(position.symbol, position);
    this.assertBooks();
    return [{ kind: 'opened', position }];
  }

  private close(position: Position, price: number, reference: number, reason: ExitReason, at: number, orderId: string | null): BrokerEvent {
    const market = this.requireMarket(position.symbol);
    const notional = position.quantity * price;
    const exitFee = roundCash(notional * market.takerFee);
    const exitSlippage = roundCash(position.quantity * Math.max(0, reference - price));
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
    const fillOrderId = orderId ?? this.nextId('ord');
    this.options.ledger.transaction(() => {
      if (orderId === null) {
        this.options.ledger.insertOrder(
          { id: fillOrderId, symbol: position.symbol, side: 'sell', quantity: position.quantity, reserved: 0, createdAt: at, strategy: position.strategy, reason, positionId: position.id, stopDistance: 0, targetDistance: null, trailing: null },
          'pending',
        );
      }
      this.options.ledger.closeOrder(fillOrderId, 'filled', reason);
      this.options.ledger.insertFill({ orderId: fillOrderId, symbol: position.symbol, side: 'sell', quantity: position.quantity, price, fee: exitFee, slippage: exitSlippage, ts: at });
      this.options.ledger.deletePosition(position.id);
      this.options.ledger.insertTrade(trade);
      this.options.ledger.setSetting(BALANCE_KEY, balance);
      this.persistCounters();
    });
    this.balance = balance;
    this.positions.delete(position.symbol);
    this.assertBooks();
    return { kind: 'closed', trade };
  }

  private cancel(order: PendingOrder, reason: string, status: 'cancelled' | 'rejected' = 'cancelled'): void {
    this.options.ledger.transaction(() => this.options.ledger.closeOrder(order.id, status, reason));
    this.removePending(order);
    this.reserved = roundCash(this.reserved - order.reserved);
  }

  private updateTrailing(position: Position, high: number): boolean {
    if (high > position.highWater) position.highWater = high;
    const spec = position.trailing;
    if (!spec) return false;
    const profitPct = ((position.highWater - position.entry) / position.entry) * 100;
    if (spec.only_after_offset && profitPct < spec.offset_pct) return false;
    const market = this.requireMarket(position.symbol);
    const candidate = roundToTick(position.highWater * (1 - spec.distance_pct / 100), market.priceTick);
    if (candidate <= Math.max(position.stop, position.trailingStop ?? -Infinity)) return false;
    position.trailingStop = candidate;
    return true;
  }

  private removePending(order: PendingOrder): void {
    this.pending = this.pending.filter((o) => o.id !== order.id);
  }

  private nextId(prefix: string): string {
    this.seq += 1;
    return `${prefix}-${String(this.seq).padStart(8, '0')}`;
  }

  private persistCounters(): void {
    this.options.ledger.setSetting(SEQ_KEY, this.seq);
  }

  private requireMarket(symbol: string): MarketSpec {
    const market = this.options.markets.get(symbol);
    if (!market) throw new InvariantError(`no market data for ${symbol}`);
    return market;
  }

  private assertBooks(): void {
    if (!Number.isFinite(this.balance) || this.balance < -1e-6) throw new InvariantError(`cash balance is ${this.balance}`);
    if (!Number.isFinite(this.reserved) || this.reserved < -1e-6 || this.reserved > this.balance + 1e-6) {
      throw new InvariantError(`reserved cash ${this.reserved} does not fit the balance ${this.balance}`);
    }
  }
}

export function activeStop(position: Position): number {
  return Math.max(position.stop, position.trailingStop ?? -Infinity);
}
