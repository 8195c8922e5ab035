import Database from 'better-sqlite3';
import type { PendingOrder, Position, TradeRecord } from '../model/position.js';
import type { ControlEventRow, FillRow, Ledger } from '../ports/ledger.js';
import { MIGRATIONS } from './migrations.js';

/** The ledger in one SQLite file (WAL). Rows that the code only round-trips keep a JSON body. */
export class SqliteLedger implements Ledger {
  private readonly db: Database.Database;
  private readonly stmts;
  private readonly runInTransaction: Database.Transaction<(fn: () => unknown) => unknown>;

  /** `durable: false` (backtests) keeps the same books without waiting for the disk. */
  constructor(file: string, options: { durable?: boolean } = {}) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(options.durable === false ? 'synchronous = OFF' : 'synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    // Short: a write blocked by another process halts trading rather than freezing the event loop.
    this.db.pragma('busy_timeout = 250');
    migrate(this.db);
    const db = this.db;
    this.runInTransaction = db.transaction((fn: () => unknown) => fn());
    this.stmts = {
      insertOrder: db.prepare(
        `INSERT INTO orders (id, symbol, side, quantity, reserved, created_at, strategy, reason, position_id, plan, status, status_reason)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      closeOrder: db.prepare('UPDATE orders SET status = ?, status_reason = ? WHERE id = ?'),
      // By length first: ids are zero-padded to 8 digits, and a 9th must still sort last.
      lastOrderId: db.prepare('SELECT id FROM orders ORDER BY length(id) DESC, id DESC LIMIT 1').pluck(),
      pendingOrders: db.prepare("SELECT * FROM orders WHERE status = 'pending' ORDER BY created_at, id"),
      insertFill: db.prepare(
        'INSERT INTO fills (order_id, symbol, side, quantity, price, fee, slippage, ts) VALUES (@orderId, @symbol, @side, @quantity, @price, @fee, @slippage, @ts)',
      ),
      upsertPosition: db.prepare('INSERT INTO positions (id, symbol, body) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body'),
      deletePosition: db.prepare('DELETE FROM positions WHERE id = ?'),
      positions: db.prepare('SELECT body FROM positions ORDER BY symbol'),
      insertTrade: db.prepare('INSERT INTO trades (id, symbol, strategy, opened_at, closed_at, net_pnl, body) VALUES (?, ?, ?, ?, ?, ?, ?)'),
      allTrades: db.prepare('SELECT body FROM trades ORDER BY closed_at, id'),
      tradesBetween: db.prepare('SELECT body FROM trades WHERE closed_at >= ? AND closed_at < ? ORDER BY closed_at, id'),
      getSetting: db.prepare('SELECT value FROM settings WHERE key = ?'),
      setSetting: db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      dailyEquity: db.prepare('INSERT INTO daily_equity (day, equity, balance) VALUES (?, ?, ?) ON CONFLICT (day) DO UPDATE SET equity = excluded.equity, balance = excluded.balance'),
      controlEvent: db.prepare('INSERT INTO control_events (at, file, digest, content, result, reason) VALUES (@at, @file, @digest, @content, @result, @reason)'),
    };
  }

  /** The connection, for other repositories of this folder that share the file and its transactions. */
  get database(): Database.Database {
    return this.db;
  }

  transaction<T>(fn: () => T): T {
    // One wrapper built once: better-sqlite3 compiles a new one per db.transaction() call.
    // Nested calls become savepoints, so a caller's transaction may contain the broker's.
    return this.runInTransaction.immediate(fn) as T;
  }

  insertOrder(order: PendingOrder, status: 'pending' | 'filled', reason: string | null = null): void {
    const plan = JSON.stringify({ stopDistance: order.stopDistance, targetDistance: order.targetDistance, trailing: order.trailing });
    this.stmts.insertOrder.run(order.id, order.symbol, order.side, order.quantity, order.reserved, order.createdAt, order.strategy, order.reason, order.positionId, plan, status, reason);
  }

  lastOrderId(): string | null {
    return (this.stmts.lastOrderId.get() as string | undefined) ?? null;
  }

  closeOrder(id: string, status: 'filled' | 'cancelled' | 'rejected', reason: string | null): void {
    this.stmts.closeOrder.run(status, reason, id);
  }

  insertFill(fill: FillRow): void {
    this.stmts.insertFill.run(fill);
  }

  upsertPosition(position: Position): void {
    this.stmts.upsertPosition.run(position.id, position.symbol, JSON.stringify(position));
  }

  deletePosition(id: string): void {
    this.stmts.deletePosition.run(id);
  }

  insertTrade(trade: TradeRecord): void {
    this.stmts.insertTrade.run(trade.id, trade.symbol, trade.strategy, trade.opened_at, trade.closed_at, trade.net_pnl, JSON.stringify(trade));
  }

  loadPositions(): Position[] {
    return (this.stmts.positions.all() as Array<{ body: string }>).map((row) => JSON.parse(row.body) as Position);
  }

  loadPendingOrders(): PendingOrder[] {
    type Row = { id: string; symbol: string; side: 'buy' | 'sell'; quantity: number; reserved: number; created_at: number; strategy: string; reason: string; position_id: string | null; plan: string };
    return (this.stmts.pendingOrders.all() as Row[]).map((row) => {
      const plan = JSON.parse(row.plan) as Pick<PendingOrder, 'stopDistance' | 'targetDistance' | 'trailing'>;
      return { id: row.id, symbol: row.symbol, side: row.side, quantity: row.quantity, reserved: row.reserved, createdAt: row.created_at, strategy: row.strategy, reason: row.reason, positionId: row.position_id, ...plan };
    });
  }

  allTrades(): TradeRecord[] {
    return (this.stmts.allTrades.all() as Array<{ body: string }>).map((row) => JSON.parse(row.body) as TradeRecord);
  }

  tradesClosedBetween(fromIso: string, toIso: string): TradeRecord[] {
    return (this.stmts.tradesBetween.all(fromIso, toIso) as Array<{ body: string }>).map((row) => JSON.parse(row.body) as TradeRecord);
  }

  getSetting<T>(key: string): T | undefined {
    const row = this.stmts.getSetting.get(key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  setSetting(key: string, value: unknown): void {
    this.stmts.setSetting.run(key, JSON.stringify(value));
  }

  recordDailyEquity(day: string, equity: number, balance: number): void {
    this.stmts.dailyEquity.run(day, equity, balance);
  }

  insertControlEvent(event: ControlEventRow): void {
    this.stmts.controlEvent.run(event);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function migrate(db: Database.Database): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
  const applied = new Set((db.prepare('SELECT version FROM schema_migrations').all() as Array<{ version: number }>).map((r) => r.version));
  for (const migration of MIGRATIONS) {
    if (applied.has(migration.version)) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(migration.version, migration.name, new Date().toISOString());
    }).immediate();
  }
}
