import { ledger } from './migrations/001-ledger.js';
import { shadow } from './migrations/002-shadow.js';
import { production } from './migrations/003-production.js';
import { safety } from './migrations/004-safety.js';
import type { Migration } from './migrations/migration.js';

/**
 * Every schema migration in order, one file each under migrations/. To change the schema, add
 * a file with the next version and list it here; never edit a released one.
 */
export const MIGRATIONS: ReadonlyArray<Migration> = [ledger, shadow, production, safety];
