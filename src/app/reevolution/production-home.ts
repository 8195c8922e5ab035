import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { loadProductionConfig } from '../../config/load-production-config.js';
import type { ProductionConfig } from '../../config/production-schema.js';
import type { Config } from '../../config/schema.js';
import type { ProductionSeed } from '../../monitoring/production/seed-production.js';
import { SqliteLedger } from '../../persistence/sqlite-ledger.js';
import { SqliteProductionStore } from '../../persistence/sqlite-production-store.js';
import { loadHomeConfig } from '../home-config.js';
import { homePaths, PACKAGE_ROOT, type HomePaths } from '../paths.js';

/** engine.ts persists the market clock under this settings key. */
const MARKET_TIME_KEY = 'engine.last_market_time';

/** Candles of every strategy's own backtest (its expectations): the package's recorded data. */
export const EXPECTATIONS_DATA_DIR = path.join(PACKAGE_ROOT, 'data', 'replay');

/** Both configs of a home, as the daemon would load them (a bad file is a ConfigError: exit 78). */
export interface ProductionHome {
  readonly paths: HomePaths;
  readonly config: Readonly<Config>;
  readonly production: Readonly<ProductionConfig>;
  readonly seed: ProductionSeed;
}

export function loadProductionHome(home: string, configFile?: string): ProductionHome {
  const paths = homePaths(home);
  const config = loadHomeConfig(home, configFile);
  const production = loadProductionConfig(paths.productionConfig);
  return { paths, config, production, seed: { champion: config.strategies.champion, challengers: config.strategies.challengers } };
}

export interface ProductionConnection {
  /** null: the home has no ledger (or, read-only, one without the production tables) yet. */
  readonly store: SqliteProductionStore | null;
  /** The home's market time (ISO), else null before any candle. */
  readonly marketTime: string | null;
  close(): void;
}

/** Read-only, beside a running daemon (WAL readers never block its writes); creates nothing. */
export function openProductionReader(paths: HomePaths): ProductionConnection {
  if (!fs.existsSync(paths.ledger)) return { store: null, marketTime: null, close: () => {} };
  const db = new Database(paths.ledger, { readonly: true, fileMustExist: true });
  const store = SqliteProductionStore.hasSchema(db) ? new SqliteProductionStore(db) : null;
  const row = db.prepare("SELECT value FROM settings WHERE key = ?").get(MARKET_TIME_KEY) as { value: string } | undefined;
  return { store, marketTime: row ? marketIso(JSON.parse(row.value) as number) : null, close: () => db.close() };
}

/**
 * For writes while the daemon may run: the ledger (migrated, WAL) with a patient busy timeout,
 * since the daemon's own transactions are short and a CLI command may wait for one.
 */
export function openProductionWriter(paths: HomePaths): ProductionConnection {
  fs.mkdirSync(paths.dataDir, { recursive: true });
  const ledger = new SqliteLedger(paths.ledger);
  ledger.database.pragma('busy_timeout = 5000');
  const ms = ledger.getSetting<number>(MARKET_TIME_KEY);
  return { store: new SqliteProductionStore(ledger.database), marketTime: ms === undefined ? null : marketIso(ms), close: () => ledger.close() };
}

function marketIso(ms: number): string | null {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}
