import path from 'node:path';
import { loadConfig } from '../config/load-config.js';
import { configRules } from '../config/rules.js';
import type { Config } from '../config/schema.js';
import { homePaths } from './paths.js';

/** The config a daemon in this home would use: --config, else PAPERLIVE_CONFIG, else the home's file. */
export function loadHomeConfig(home: string, configFile?: string, env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const file = configFile ?? env.PAPERLIVE_CONFIG ?? homePaths(home).configFile;
  return loadConfig(path.resolve(home, file), configRules);
}
