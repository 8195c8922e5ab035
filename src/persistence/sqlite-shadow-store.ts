import type Database from 'better-sqlite3';
import type { TradeRecord } from '../model/position.js';
import type { PendingOutcome, ShadowBookState, ShadowCounters, ShadowDailyEquity, ShadowStore } from '../ports/shadow-store.js';

const COUNTERS_KEY = 'counters';
const MARKET_TIME_KEY = 'market_time';

/**
 * The shadow tables (migration 002) on the ledger's own connection (`SqliteLedger.database`),
 * so that shadow writes share the file, its WAL and, when the caller wants, its transactions.
 * Open the ledger first: it runs the migrations.
 */
export class SqliteShadowStore implements ShadowStore {
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'shadow_state'").get();
    if (!exists) throw new Error(`${db.name} has no shadow tables: open it with SqliteLedger first, which applies migration 002`);
    this.stmts = {
      loadBook: db.prepare('SELECT body FROM shadow_books WHERE book = ?'),
      saveBook: db.prepare('INSERT INTO shadow_books (book, body) VALUES (?, ?) ON CONFLICT (book) DO UPDATE SET body = excluded.body'),
      insertTrade: db.prepare('INSERT OR REPLACE INTO shadow_trades (book, id, symbol, closed_at, net_pnl, body) VALUES (?, ?, ?, ?, ?, ?)'),
      trades: db.prepare('SELECT body FROM shadow_trades WHERE book = ? ORDER BY closed_at, id'),
      dailyEquity: db.prepare(
        'INSERT INTO shadow_daily_equity (book, day, start_equity, end_equity) VALUES (?, ?, ?, ?) ON CONFLICT (book, day) DO UPDATE SET start_equity = excluded.start_equity, end_equity = excluded.end_equity',
      ),
      lastDays: db.prepare('SELECT day, start_equity AS startEquity, end_equity AS endEquity FROM shadow_daily_equity WHERE book = ? ORDER BY day DESC LIMIT ?'),
      insertPending: db.prepare('INSERT OR REPLACE INTO shadow_pending_outcomes (decision_id, horizon, due_at, body) VALUES (?, ?, ?, ?)'),
      deletePending: db.prepare('DELETE FROM shadow_pending_outcomes WHERE decision_id = ? AND horizon = ?'),
      pending: db.prepare('SELECT body FROM shadow_pending_outcomes ORDER BY due_at, decision_id, horizon'),
      getState: db.prepare('SELECT value FROM shadow_state WHERE key = ?'),
      setState: db.prepare('INSERT INTO shadow_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    };
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn).immediate();
  }

  loadBook(book: string): ShadowBookState | undefined {
    const row = this.stmts.loadBook.get(book) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as ShadowBookState) : undefined;
  }

  saveBook(book: string, state: ShadowBookState): void {
    this.stmts.saveBook.run(book, JSON.stringify(state));
  }

  insertTrade(book: string, trade: TradeRecord): void {
    this.stmts.insertTrade.run(book, trade.id, trade.symbol, trade.closed_at, trade.net_pnl, JSON.stringify(trade));
  }

  trades(book: string): TradeRecord[] {
    return (this.stmts.trades.all(book) as Array<{ body: string }>).map((row) => JSON.parse(row.body) as TradeRecord);
  }

  recordDailyEquity(book: string, row: ShadowDailyEquity): void {
    this.stmts.dailyEquity.run(book, row.day, row.startEquity, row.endEquity);
  }

  dailyEquity(book: string, limit = 1_000_000): ShadowDailyEquity[] {
    return (this.stmts.lastDays.all(book, limit) as ShadowDailyEquity[]).reverse();
  }

  insertPendingOutcome(outcome: PendingOutcome): void {
    this.stmts.insertPending.run(outcome.decisionId, outcome.horizon, outcome.dueAt, JSON.stringify(outcome));
  }

  deletePendingOutcome(decisionId: string, horizon: string): void {
    this.stmts.deletePending.run(decisionId, horizon);
  }

  pendingOutcomes(): PendingOutcome[] {
    return (this.stmts.pending.all() as Array<{ body: string }>).map((row) => JSON.parse(row.body) as PendingOutcome);
  }

  loadCounters(): ShadowCounters {
    return this.getState<ShadowCounters>(COUNTERS_KEY) ?? { decisionsTotal: 0, lastDecisionAt: null };
  }

  saveCounters(counters: ShadowCounters): void {
    this.setState(COUNTERS_KEY, counters);
  }

  loadMarketTime(): number | null {
    return this.getState<number>(MARKET_TIME_KEY) ?? null;
  }

  saveMarketTime(ts: number): void {
    this.setState(MARKET_TIME_KEY, ts);
  }

  private getState<T>(key: string): T | undefined {
    const row = this.stmts.getState.get(key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  private setState(key: string, value: unknown): void {
    this.stmts.setState.run(key, JSON.stringify(value));
  }
}
