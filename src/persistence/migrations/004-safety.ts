import type { Migration } from './migration.js';

/** Capital preservation's state and transitions, and the human sign-off of the live rollout. */
export const safety: Migration = {
  version: 4,
  name: 'safety',
  sql: `
      CREATE TABLE capital_preservation_state (
        id INTEGER PRIMARY KEY CHECK (id = 1), level TEXT NOT NULL, market_time INTEGER, body TEXT NOT NULL
      );
      CREATE TABLE capital_preservation_transitions (
        id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, from_level TEXT NOT NULL, to_level TEXT NOT NULL,
        trigger TEXT NOT NULL, reason TEXT NOT NULL, body TEXT NOT NULL
      );
      CREATE TABLE sign_offs (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL, at TEXT NOT NULL);
    `,
};
