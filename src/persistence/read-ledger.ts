import fs from 'node:fs';
import Database from 'better-sqlite3';
import { OperationalError } from '../model/errors.js';
import type { TradeRecord } from '../model/position.js';
import { STARTING_BALANCE_KEY } from '../ports/ledger.js';

/**
 * Read-only access to a ledger for CLI commands, safe beside a running daemon (WAL readers
 * never block the writer) and harmless in a home that has no ledger yet.
 */
export interface LedgerSnapshot {
  readonly trades: TradeRecord[];
  /** The balance the account started with, as the ledger recorded it (null: a new ledger, or one from before it was recorded). */
  readonly startingBalance: number | null;
  setting<T>(key: string): T | undefined;
}

/** Throws an OperationalError naming the file when it is not a readable ledger (corrupt, locked, unreadable). */
export function readLedger(file: string): LedgerSnapshot {
  if (!fs.existsSync(file)) return { trades: [], startingBalance: null, setting: () => undefined };
  try {
    return readExistingLedger(file);
  } catch (error) {
    const reason = (error as { code?: string }).code ?? (error as Error).message;
    throw new OperationalError(`the ledger ${file} cannot be read (${reason})`);
  }
}

function readExistingLedger(file: string): LedgerSnapshot {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const hasTrades = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'trades'").get() !== undefined;
    if (!hasTrades) return { trades: [], startingBalance: null, setting: () => undefined };
    const trades = (db.prepare('SELECT body FROM trades ORDER BY closed_at, rowid').all() as Array<{ body: string }>).map((r) => JSON.parse(r.body) as TradeRecord);
    const settings = new Map((db.prepare('SELECT key, value FROM settings').all() as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]));
    const setting = <T>(key: string): T | undefined => {
      const value = settings.get(key);
      return value === undefined ? undefined : (JSON.parse(value) as T);
    };
    return { trades, startingBalance: setting<number>(STARTING_BALANCE_KEY) ?? null, setting };
  } finally {
    db.close();
  }
}
