import type { Candle } from '../model/candle.js';
import { slippedPrice } from '../model/fill-rules.js';
import { roundCash, type MarketSpec } from '../model/market.js';
import {
  PaperBooks,
  assertCash,
  buyOrderOf,
  closingOf,
  openingOf,
  orderIdOf,
  sellOrderOf,
  type BookEvent,
  type EntryRequest,
  type TakerFill,
} from '../model/paper-accounting.js';
import type { ExitReason, PendingOrder, Position } from '../model/position.js';
import { Reason } from '../model/reason-codes.js';
import type { ShadowBookState } from '../ports/shadow-store.js';

export type ShadowEvent = BookEvent;

/** An entry as the engine hands it to the paper broker: the plan as distances from the fill. */
export type ShadowEntry = EntryRequest;

export interface ShadowBookOptions {
  readonly markets: ReadonlyMap<string, MarketSpec>;
  readonly slippageBps: number;
  readonly startingBalance: number;
}

/**
 * A virtual spot account for one challenger or advisor, on the paper broker's rules, which
 * both take from `model/paper-accounting.ts` and `model/fill-rules.ts` (docs/adr/0002): market orders wait for the next candle of their
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
export class ShadowBook extends PaperBooks {
  constructor(options: ShadowBookOptions, state?: ShadowBookState) {
    super(options.markets, options.slippageBps, {
      balance: state?.balance ?? options.startingBalance,
      seq: state?.seq ?? 0,
      positions: (state?.positions ?? []).map((p) => ({ ...p })),
      pending: state?.pending ?? [],
    });
    assertCash(this.balance, this.reserved, 'restoring a shadow book');
  }

  /** The state to persist; `day` belongs to whoever keeps the book's calendar. */
  snapshot(day: ShadowBookState['day']): ShadowBookState {
    return { balance: this.balance, seq: this.seq, positions: this.openPositions().map((p) => ({ ...p })), pending: [...this.pending], day };
  }

  submitEntry(request: ShadowEntry): { ok: true; order: PendingOrder } | { ok: false; reason: string } {
    const sized = this.sizeEntry(request);
    if (!sized.ok) return sized;
    const order = buyOrderOf(this.nextId(), request, sized.quantity, sized.reserved);
    const reserved = sized.reserved;
    this.pending.push(order);
    this.reserved = roundCash(this.reserved + reserved);
    assertCash(this.balance, this.reserved, `reserving for ${order.id}`);
    return { ok: true, order };
  }

  submitExit(symbol: string, strategy: string, reason: string, at: number): { ok: true } | { ok: false; reason: string } {
    const position = this.positions.get(symbol);
    if (!position) return { ok: false, reason: Reason.NO_POSITION };
    if (this.pending.some((o) => o.symbol === symbol && o.side === 'sell')) return { ok: true };
    this.pending.push(sellOrderOf(this.nextId(), position, strategy, reason, at));
    return { ok: true };
  }

  protected fillAtOpen(order: PendingOrder, candle: Candle): ShadowEvent[] {
    const market = this.requireMarket(order.symbol);
    if (order.side === 'sell') {
      const position = this.positions.get(order.symbol);
      if (!position) {
        this.releaseOrder(order);
        return [];
      }
      return [this.close(position, { price: slippedPrice(candle.open, 'sell', this.slippageBps, market.priceTick), reference: candle.open }, 'signal', candle.ts, order.id)];
    }
    if (this.positions.has(order.symbol)) return [this.reject(order, Reason.POSITION_EXISTS)];
    const fill = { price: slippedPrice(candle.open, 'buy', this.slippageBps, market.priceTick), reference: candle.open };
    const opening = openingOf(order, fill, candle.ts, candle.open, market, this.available);
    if (opening === null) return [this.reject(order, Reason.INSUFFICIENT_BALANCE)];
    const { position } = opening;
    const balance = roundCash(this.balance - opening.cost);
    const reserved = roundCash(this.reserved - order.reserved);
    assertCash(balance, reserved, `buying ${order.quantity} ${order.symbol} at ${position.entry} in a shadow book`);
    this.removePending(order);
    this.reserved = reserved;
    this.balance = balance;
    this.positions.set(position.symbol, position);
    return [{ kind: 'opened', position }];
  }

  protected close(position: Position, fill: TakerFill, reason: ExitReason, at: number, orderId: string | null): ShadowEvent {
    const { trade, balance } = closingOf(position, fill, reason, at, this.requireMarket(position.symbol), this.balance);
    assertCash(balance, this.reserved, `selling ${position.quantity} ${position.symbol} at ${fill.price} in a shadow book`);
    // A stop or target is an order of its own, numbered as the broker numbers it.
    if (orderId === null) this.seq += 1;
    else this.pending = this.pending.filter((o) => o.id !== orderId);
    this.balance = balance;
    this.positions.delete(position.symbol);
    return { kind: 'closed', trade };
  }

  private reject(order: PendingOrder, reason: string): ShadowEvent {
    this.releaseOrder(order);
    return { kind: 'order_rejected', order, reason };
  }

  private nextId(): string {
    this.seq += 1;
    return orderIdOf(this.seq);
  }

}
