import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The installed package's own folder (bundled configs, markets snapshot, candles). */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const BUNDLED_MARKETS = path.join(PACKAGE_ROOT, 'data', 'markets', 'binance_spot_markets.json');

/** Every runtime path under one home (SPEC §2). */
export interface HomePaths {
  readonly home: string;
  readonly configFile: string;
  readonly productionConfig: string;
  readonly logsDir: string;
  readonly statusFile: string;
  readonly pidFile: string;
  readonly logFile: string;
  readonly allTrades: string;
  readonly tradesToday: string;
  readonly signals: string;
  readonly dataDir: string;
  readonly ledger: string;
  readonly lockFile: string;
  readonly rlDir: string;
  readonly heartbeat: string;
  readonly shadowDecisions: string;
  readonly strategyWeights: string;
  readonly capitalPreservation: string;
  readonly killSwitch: string;
  readonly reportsDir: string;
  readonly goNoGo: string;
}

/** `--home`, else PAPERLIVE_HOME, else the current directory. */
export function resolveHome(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(flag ?? env.PAPERLIVE_HOME ?? process.cwd());
}

export function homePaths(home: string): HomePaths {
  const logs = path.join(home, 'logs');
  const data = path.join(home, 'data');
  const rl = path.join(data, 'rl');
  return {
    home,
    configFile: path.join(home, 'configs', 'paper_live.yaml'),
    productionConfig: path.join(home, 'configs', 'production.yaml'),
    logsDir: logs,
    statusFile: path.join(logs, 'status.json'),
    pidFile: path.join(logs, 'paper_live.pid'),
    logFile: path.join(logs, 'paper_live.log'),
    allTrades: path.join(logs, 'all_trades.jsonl'),
    tradesToday: path.join(logs, 'trades_today.json'),
    signals: path.join(logs, 'signals.jsonl'),
    dataDir: data,
    ledger: path.join(data, 'paperlive.sqlite'),
    lockFile: path.join(data, 'paperlive.lock'),
    rlDir: rl,
    heartbeat: path.join(rl, 'paper_live_heartbeat.json'),
    shadowDecisions: path.join(rl, 'shadow_decisions.jsonl'),
    strategyWeights: path.join(rl, 'strategy_weights.json'),
    capitalPreservation: path.join(data, 'capital_preservation_state.json'),
    killSwitch: path.join(data, 'live_kill_switch.txt'),
    reportsDir: path.join(data, 'reports'),
    goNoGo: path.join(data, 'phase2b_go_nogo_summary.json'),
  };
}

export function ensureHomeFolders(paths: HomePaths): void {
  for (const dir of [paths.logsDir, paths.dataDir, paths.rlDir, paths.reportsDir]) fs.mkdirSync(dir, { recursive: true });
}

export function packageVersion(): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}
