import { ledger } from './migrations/001-ledger.js';
import type { Migration } from './migrations/migration.js';

/**
 * Every schema migration in order, one file each under migrations/. To change the schema, add
 * a file with the next version and list it here; never edit a released one.
 */
export const MIGRATIONS: ReadonlyArray<Migration> = [ledger];
