import type { Migration } from './migration.js';

/**
 * Shadow collection (SPEC §7): the virtual books of challengers and advisors, their trades and
 * daily equity, decisions waiting for their outcomes, and counters. Kept apart from the
 * ledger's tables so that nothing of the shadow can be mistaken for the paper account.
 */
export const shadow: Migration = {
  version: 2,
  name: 'shadow',
  sql: `
      CREATE TABLE shadow_books (book TEXT PRIMARY KEY, body TEXT NOT NULL);
      CREATE TABLE shadow_trades (
        book TEXT NOT NULL, id TEXT NOT NULL, symbol TEXT NOT NULL, closed_at TEXT NOT NULL,
        net_pnl REAL NOT NULL, body TEXT NOT NULL, PRIMARY KEY (book, id)
      );
      CREATE INDEX shadow_trades_book_closed_at ON shadow_trades (book, closed_at);
      CREATE TABLE shadow_daily_equity (
        book TEXT NOT NULL, day TEXT NOT NULL, start_equity REAL NOT NULL, end_equity REAL NOT NULL,
        PRIMARY KEY (book, day)
      );
      CREATE TABLE shadow_pending_outcomes (
        decision_id TEXT NOT NULL, horizon TEXT NOT NULL, due_at INTEGER NOT NULL, body TEXT NOT NULL,
        PRIMARY KEY (decision_id, horizon)
      );
      CREATE INDEX shadow_pending_outcomes_due_at ON shadow_pending_outcomes (due_at);
      CREATE TABLE shadow_state (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    `,
};
