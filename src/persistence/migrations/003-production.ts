import type { Migration } from './migration.js';

/**
 * The production loop (SPEC §8): one `production_state` row whose `version` the daemon polls,
 * challengers, daily returns per strategy, drift-day counters, promotion history, re-evolution
 * requests and cached expectations. Human sign-offs are not here (another migration owns them).
 */
export const production: Migration = {
  version: 3,
  name: 'production',
  sql: `
      CREATE TABLE production_state (
        id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL,
        champion TEXT, champion_since TEXT, updated_at TEXT
      );
      INSERT INTO production_state (id, version) VALUES (1, 0);
      CREATE TABLE challengers (
        id TEXT PRIMARY KEY, started_at TEXT NOT NULL, added_by TEXT NOT NULL, reason TEXT NOT NULL
      );
      CREATE TABLE daily_returns (
        strategy TEXT NOT NULL, date TEXT NOT NULL, return_pct REAL NOT NULL, source TEXT NOT NULL,
        recorded_at TEXT NOT NULL, PRIMARY KEY (strategy, date)
      );
      CREATE TABLE drift_days (
        strategy TEXT PRIMARY KEY, consecutive INTEGER NOT NULL, total INTEGER NOT NULL,
        previous_consecutive INTEGER NOT NULL, previous_total INTEGER NOT NULL,
        counted_through TEXT NOT NULL, last_drift_type TEXT NOT NULL, updated_at TEXT NOT NULL
      );
      CREATE TABLE promotions (
        id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, kind TEXT NOT NULL, from_strategy TEXT,
        to_strategy TEXT NOT NULL, reviewer TEXT NOT NULL, reason TEXT NOT NULL
      );
      CREATE TABLE reevolution_requests (
        id INTEGER PRIMARY KEY AUTOINCREMENT, requested_at TEXT NOT NULL, source TEXT NOT NULL,
        reason TEXT NOT NULL, status TEXT NOT NULL, resolved_at TEXT, result TEXT
      );
      CREATE INDEX reevolution_requests_status ON reevolution_requests (status);
      CREATE TABLE expected_metrics (
        strategy TEXT NOT NULL, source TEXT NOT NULL, fingerprint TEXT NOT NULL, body TEXT NOT NULL,
        computed_at TEXT NOT NULL, PRIMARY KEY (strategy, source)
      );
    `,
};
