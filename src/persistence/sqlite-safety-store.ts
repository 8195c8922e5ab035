import fs from 'node:fs';
import Database from 'better-sqlite3';
import { UsageError } from '../model/errors.js';
import type { TradeRecord } from '../model/position.js';
import type { PreservationStore, SafetyLedgerView, SignOffRecord, StoredPreservationState, StoredPreservationTransition } from '../ports/safety-store.js';

/**
 * Capital preservation's rows (migration 004) on the ledger's own connection
 * (`SqliteLedger.database`), so they share its file, WAL and transactions.
 */
export class SqliteSafetyStore implements PreservationStore {
  private readonly stmts;

  constructor(private readonly db: Database.Database) {
    this.stmts = {
      state: db.prepare('SELECT body FROM capital_preservation_state WHERE id = 1'),
      transitions: db.prepare('SELECT body FROM capital_preservation_transitions ORDER BY id'),
      saveState: db.prepare(
        'INSERT INTO capital_preservation_state (id, level, market_time, body) VALUES (1, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET level = excluded.level, market_time = excluded.market_time, body = excluded.body',
      ),
      insertTransition: db.prepare('INSERT INTO capital_preservation_transitions (at, from_level, to_level, trigger, reason, body) VALUES (?, ?, ?, ?, ?, ?)'),
    };
  }

  loadPreservation(): { state: StoredPreservationState; transitions: StoredPreservationTransition[] } | undefined {
    return loadPreservation(this.stmts);
  }

  savePreservation(state: StoredPreservationState, transition: StoredPreservationTransition | null): void {
    this.db
      .transaction(() => {
        if (transition) this.stmts.insertTransition.run(transition.at, transition.from, transition.to, transition.trigger, transition.reason, JSON.stringify(transition));
        this.stmts.saveState.run(state.level, state.market_time, JSON.stringify(state));
      })
      .immediate();
  }
}

/** Records the human approval of the live rollout (`paperlive production --sign-off NAME`); `at` is ISO wall time. */
export function recordSignOff(db: Database.Database, name: string, at: string): SignOffRecord {
  const who = name.trim();
  if (who === '') throw new UsageError('a sign-off needs the name of the person who approves the live rollout');
  if (Number.isNaN(Date.parse(at))) throw new UsageError(`a sign-off needs an ISO time, not "${at}"`);
  db.prepare('INSERT INTO sign_offs (name, at) VALUES (?, ?)').run(who, at);
  return { name: who, at };
}

export function readSignOffs(db: Database.Database): SignOffRecord[] {
  if (!hasTable(db, 'sign_offs')) return [];
  return db.prepare('SELECT name, at FROM sign_offs ORDER BY id').all() as SignOffRecord[];
}

const EMPTY: SafetyLedgerView = { trades: [], sameCandleFills: 0, marketDays: [], signOffs: [], preservation: undefined, settingsWithPrefix: () => new Map() };

/**
 * What readiness needs from a ledger, read in one go on a read-only connection: safe beside a
 * running daemon (WAL readers never block the writer), empty when there is no ledger yet, and
 * tolerant of a ledger whose newer tables a daemon has not created yet.
 */
export function readSafetyLedger(file: string): SafetyLedgerView {
  if (!fs.existsSync(file)) return EMPTY;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    if (!hasTable(db, 'trades')) return EMPTY;
    const trades = (db.prepare('SELECT body FROM trades ORDER BY closed_at, rowid').all() as Array<{ body: string }>).map((r) => JSON.parse(r.body) as TradeRecord);
    const sameCandleFills = (db.prepare("SELECT COUNT(*) AS n FROM fills f JOIN orders o ON o.id = f.order_id WHERE f.side = 'buy' AND f.ts <= o.created_at").get() as { n: number }).n;
    const settings = new Map((db.prepare('SELECT key, value FROM settings').all() as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]));
    const days = new Set((db.prepare('SELECT day FROM daily_equity').all() as Array<{ day: string }>).map((r) => r.day));
    const current = parse<{ day?: unknown }>(settings.get('engine.day'));
    if (typeof current?.day === 'string') days.add(current.day);
    const preservation = hasTable(db, 'capital_preservation_state')
      ? loadPreservation({ state: db.prepare('SELECT body FROM capital_preservation_state WHERE id = 1'), transitions: db.prepare('SELECT body FROM capital_preservation_transitions ORDER BY id') })
      : undefined;
    return {
      trades,
      sameCandleFills,
      marketDays: [...days].sort(),
      signOffs: readSignOffs(db),
      preservation,
      settingsWithPrefix: (prefix) => new Map([...settings].filter(([key]) => key.startsWith(prefix)).map(([key, value]) => [key, parse(value)])),
    };
  } finally {
    db.close();
  }
}

function loadPreservation(stmts: { state: Database.Statement; transitions: Database.Statement }) {
  const row = stmts.state.get() as { body: string } | undefined;
  if (!row) return undefined;
  return {
    state: JSON.parse(row.body) as StoredPreservationState,
    transitions: (stmts.transitions.all() as Array<{ body: string }>).map((r) => JSON.parse(r.body) as StoredPreservationTransition),
  };
}

function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

function parse<T>(value: string | undefined): T | undefined {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value) as T;
  } catch {
    return undefined;
  }
}
