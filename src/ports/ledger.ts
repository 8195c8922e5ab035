import type { PendingOrder, Position, TradeRecord } from '../model/position.js';

/** The settings key of the balance the account started with, written once, when the ledger is new. */
export const STARTING_BALANCE_KEY = 'account.starting_balance';

export interface FillRow {
  readonly orderId: string;
  readonly symbol: string;
  readonly side: 'buy' | 'sell';
  readonly quantity: number;
  readonly price: number;
  readonly fee: number;
  readonly slippage: number;
  readonly ts: number;
}

export interface ControlEventRow {
  readonly at: string;
  readonly file: string;
  readonly digest: string;
  readonly content: string;
  readonly result: 'applied' | 'rejected';
  readonly reason: string;
}

/** The durable books. Every trading event is one `transaction`. */
export interface Ledger {
  transaction<T>(fn: () => T): T;
  /** A new order, waiting for its fill; or, for an exit that fills at once (a stop, a target), already filled with `reason`. */
  insertOrder(order: PendingOrder, status: 'pending' | 'filled', reason?: string | null): void;
  /** The highest order id written, or null: where the order sequence continues after a restart. */
  lastOrderId(): string | null;
  closeOrder(id: string, status: 'filled' | 'cancelled' | 'rejected', reason: string | null): void;
  insertFill(fill: FillRow): void;
  upsertPosition(position: Position): void;
  deletePosition(id: string): void;
  insertTrade(trade: TradeRecord): void;
  loadPositions(): Position[];
  loadPendingOrders(): PendingOrder[];
  allTrades(): TradeRecord[];
  /** Closed trades with closed_at in [fromIso, toIso). */
  tradesClosedBetween(fromIso: string, toIso: string): TradeRecord[];
  getSetting<T>(key: string): T | undefined;
  setSetting(key: string, value: unknown): void;
  recordDailyEquity(day: string, equity: number, balance: number): void;
  insertControlEvent(event: ControlEventRow): void;
  close(): void;
}
