import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SqliteLedger } from '../../../src/persistence/sqlite-ledger.js';
import { SqliteProductionStore } from '../../../src/persistence/sqlite-production-store.js';

/** A real ledger file in a fresh temp folder, with the production store on its connection. */
export function openTestStore(): { store: SqliteProductionStore; ledger: SqliteLedger; file: string; close(): void } {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'paperlive-production-')), 'paperlive.sqlite');
  const ledger = new SqliteLedger(file);
  return { store: new SqliteProductionStore(ledger.database), ledger, file, close: () => ledger.close() };
}

export const AT = '2026-03-01T12:00:00.000Z';
