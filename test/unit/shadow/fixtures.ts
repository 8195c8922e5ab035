import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { JsonlAppender, readJsonl } from '../../../src/io/jsonl.js';
import type { MarketSpec } from '../../../src/model/market.js';
import { SqliteLedger } from '../../../src/persistence/sqlite-ledger.js';
import { SqliteShadowStore } from '../../../src/persistence/sqlite-shadow-store.js';
import type { WallClock } from '../../../src/ports/clock.js';
import { DEFAULT_GATE_SETTINGS, type GateSettings } from '../../../src/risk/gate-settings.js';
import type { RiskSettings } from '../../../src/risk/risk-settings.js';
import type { ShadowLine } from '../../../src/shadow/decision-lines.js';
import { ShadowRunner, type ShadowRunnerOptions } from '../../../src/shadow/shadow-runner.js';
import { memoryLogger, type LogLine } from '../../support/memory-logger.js';

export const FIVE_MIN = 300_000;
export const HOUR = 3_600_000;
export const START = 10_000;
export const SLIPPAGE_BPS = 5;

export const risk = (): RiskSettings => ({ risk_multiplier: 1, risk_per_trade_pct: 0.5, max_open_positions: 3, max_portfolio_heat_pct: 6, daily_loss_limit_pct: 5, max_multiplier: 2 });

/** The gate as configured but without requiring the bundled strategies to have an edge, so they trade often enough to compare. */
export const noQualityFloor: GateSettings = {
  ...DEFAULT_GATE_SETTINGS,
  min_confidence: 0,
  min_ev_cost_ratio: 0,
  per_symbol: { 'BTC/USDT': { ...DEFAULT_GATE_SETTINGS.per_symbol['BTC/USDT'], min_confidence: 0, min_ev_cost_ratio: 0 } },
};

/** A wall clock that moves only when told. */
export function manualClock(start = Date.parse('2030-01-01T00:00:00Z')): WallClock & { advance(ms: number): void } {
  let now = start;
  return {
    now: () => now,
    advance: (ms) => {
      if (ms < 0) throw new Error('the clock does not go backwards');
      now += ms;
    },
  };
}

export { memoryLogger, type LogLine };

/**
 * A home as the daemon lays it out: the SQLite ledger (which migrates the shadow tables) with
 * the shadow store on its connection, and data/rl/ for the decision log and the weights file.
 */
export function tempHome() {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'paperlive-shadow-'));
  const rl = path.join(home, 'data', 'rl');
  fs.mkdirSync(rl, { recursive: true });
  const ledgerFile = path.join(home, 'data', 'paperlive.sqlite');
  const decisionsFile = path.join(rl, 'shadow_decisions.jsonl');
  const weightsFile = path.join(rl, 'strategy_weights.json');
  const open = () => {
    const ledger = new SqliteLedger(ledgerFile);
    return { ledger, store: new SqliteShadowStore(ledger.database), sink: new JsonlAppender(decisionsFile) };
  };
  const lines = (): ShadowLine[] => {
    const read = readJsonl<ShadowLine>(decisionsFile);
    if (read.skipped.length > 0) throw new Error(`unparseable lines ${read.skipped.join(', ')} in ${decisionsFile}`);
    return read.records;
  };
  return { home, rl, ledgerFile, decisionsFile, weightsFile, open, lines };
}

export type Home = ReturnType<typeof tempHome>;

/** A runner over a home, with defaults for everything a test does not care about; `close` closes what it opened (a process exit). */
export function openRunner(home: Home, markets: ReadonlyMap<string, MarketSpec>, options: Partial<ShadowRunnerOptions> = {}) {
  const { ledger, store, sink } = home.open();
  const logger = memoryLogger();
  const clock = manualClock();
  const runner = new ShadowRunner({
    challengers: [],
    markets,
    symbols: [...markets.keys()],
    timeframeMs: FIVE_MIN,
    slippageBps: SLIPPAGE_BPS,
    startingBalance: START,
    risk: risk(),
    sink,
    store,
    clock,
    logger,
    weightsFile: home.weightsFile,
    ...options,
  });
  return {
    runner,
    ledger,
    store,
    logger,
    clock,
    close: () => {
      sink.close();
      ledger.close();
    },
  };
}
