import fs from 'node:fs';
import Database from 'better-sqlite3';
import { OperationalError } from '../model/errors.js';
import type { TradeRecord } from '../model/position.js';

/**
 * Read-only access to a ledger for CLI commands, safe beside a running daemon (WAL readers
 * never block the writer) and harmless in a home that has no ledger yet.
 */
export interface LedgerSnapshot {
  readonly trades: TradeRecord[];
  setting<T>(key: string): T | undefined;
}

/** Throws an OperationalError naming the file when it is not a readable ledger (corrupt, locked, unreadable). */
export function readLedger(file: string): LedgerSnapshot {
  if (!fs.existsSync(file)) return { trades: [], setting: () => undefined };
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
    if (!hasTrades) return { trades: [], setting: () => undefined };
    const trades = (db.prepare('SELECT body FROM trades ORDER BY closed_at, rowid').all() as Array<{ body: string }>).map((r) => JSON.parse(r.body) as TradeRecord);
    const settings = new Map((db.prepare('SELECT key, value FROM settings').all() as Array<{ key: string; value: string }>).map((r) => [r.key, r.value]));
    return {
      trades,
      setting: <T>(key: string) => {
        const value = settings.get(key);
        return value === undefined ? undefined : (JSON.parse(value) as T);
      },
    };
  } finally {
    db.close();
  }
}
