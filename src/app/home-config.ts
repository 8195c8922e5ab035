import fs from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/load-config.js';
import { loadProductionConfig } from '../config/load-production-config.js';
import { configRules } from '../config/rules.js';
import type { Config } from '../config/schema.js';
import { ConfigError, UsageError } from '../model/errors.js';
import { readLedger } from '../persistence/read-ledger.js';
import { homePaths } from './paths.js';

/**
 * The config a daemon in this home would use: --config, else PAPERLIVE_CONFIG, else the home's
 * file, else the built-in defaults. A file that was named (by --config or PAPERLIVE_CONFIG)
 * must exist: running on the defaults because of a typo would trade on settings nobody chose.
 */
export function loadHomeConfig(home: string, configFile?: string, env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  if (configFile !== undefined) {
    const file = path.resolve(home, configFile);
    if (!fs.existsSync(file)) throw new UsageError(`--config ${file} does not exist`);
    return loadConfig(file, configRules);
  }
  if (env.PAPERLIVE_CONFIG) {
    const file = path.resolve(home, env.PAPERLIVE_CONFIG);
    if (!fs.existsSync(file)) throw new ConfigError(`PAPERLIVE_CONFIG names ${file}, which does not exist`);
    return loadConfig(file, configRules);
  }
  return loadConfig(homePaths(home).configFile, configRules);
}

/** The annualisation of Sharpe, Sortino and Calmar for this home: `monitoring.annualization_days` of its production.yaml (365 without one). */
export function homeAnnualizationDays(home: string): number {
  return loadProductionConfig(homePaths(home).productionConfig).monitoring.annualization_days;
}

/** The balance this home's account started with: as its ledger recorded it, else (a new or older ledger) the config's. */
export function homeStartingBalance(home: string, config: Readonly<Config>): number {
  return readLedger(homePaths(home).ledger).startingBalance ?? config.account.starting_balance;
}
