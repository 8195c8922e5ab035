import type { Migration } from './migration.js';

export const ledger: Migration = {
  version: 1,
  name: 'ledger',
  sql: `
      CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE orders (
        id TEXT PRIMARY KEY, symbol TEXT NOT NULL, side TEXT NOT NULL, quantity REAL NOT NULL,
        reserved REAL NOT NULL, created_at INTEGER NOT NULL, strategy TEXT NOT NULL, reason TEXT NOT NULL,
        position_id TEXT, plan TEXT NOT NULL, status TEXT NOT NULL, status_reason TEXT
      );
      CREATE INDEX orders_status ON orders (status);
      CREATE TABLE fills (
        id INTEGER PRIMARY KEY AUTOINCREMENT, order_id TEXT NOT NULL REFERENCES orders (id),
        symbol TEXT NOT NULL, side TEXT NOT NULL, quantity REAL NOT NULL, price REAL NOT NULL,
        fee REAL NOT NULL, slippage REAL NOT NULL, ts INTEGER NOT NULL
      );
      CREATE TABLE positions (id TEXT PRIMARY KEY, symbol TEXT NOT NULL UNIQUE, body TEXT NOT NULL);
      CREATE TABLE trades (
        id TEXT PRIMARY KEY, symbol TEXT NOT NULL, strategy TEXT NOT NULL, opened_at TEXT NOT NULL,
        closed_at TEXT NOT NULL, net_pnl REAL NOT NULL, body TEXT NOT NULL
      );
      CREATE INDEX trades_closed_at ON trades (closed_at);
      CREATE TABLE daily_equity (day TEXT PRIMARY KEY, equity REAL NOT NULL, balance REAL NOT NULL);
      CREATE TABLE control_events (
        id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, file TEXT NOT NULL, digest TEXT NOT NULL,
        content TEXT NOT NULL, result TEXT NOT NULL, reason TEXT NOT NULL
      );
    `,
};
