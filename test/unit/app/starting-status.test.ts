import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildStartingHeartbeat, buildStartingStatus, readRestored, type StartingView } from '../../../src/app/starting-status.js';
import { RISK_OVERRIDES_KEY } from '../../../src/app/trading-kernel.js';
import { parseConfigText } from '../../../src/config/load-config.js';
import { TradingState } from '../../../src/model/trading-state.js';
import { SqliteLedger } from '../../../src/persistence/sqlite-ledger.js';
import { SqliteSafetyStore } from '../../../src/persistence/sqlite-safety-store.js';
import { SqliteShadowStore } from '../../../src/persistence/sqlite-shadow-store.js';
import { killSwitchActive } from '../../../src/readiness/kill-switch.js';
import { INITIAL_PRESERVATION_STATE } from '../../../src/risk/capital-preservation/evaluate.js';
import { realisticTrade } from '../readiness/fixtures.js';

const opened: SqliteLedger[] = [];
afterEach(() => {
  for (const ledger of opened.splice(0)) ledger.close();
});

const config = parseConfigText('feed: { source: ccxt }\n', 'paper_live.yaml');
const HOUR = 3_600_000;
const T = Date.parse('2023-03-20T12:00:00Z');

/** A ledger file in a temp folder, as a daemon of an earlier run left it, and the view of a daemon waiting for the markets. */
function setup(): { ledger: SqliteLedger; killSwitchFile: string; view: () => StartingView } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperlive-starting-'));
  const ledger = new SqliteLedger(path.join(dir, 'paperlive.sqlite'));
  opened.push(ledger);
  const killSwitchFile = path.join(dir, 'live_kill_switch.txt');
  const view = (): StartingView => ({
    config,
    clock: { now: () => T + HOUR },
    startedAt: T,
    version: '0.0.0-test',
    ledger,
    feedSource: 'ccxt:binance',
    finalState: () => null,
    paused: () => false,
    strategies: () => ({ champion: 'ema_trend', challengers: [] }),
    errors: [],
    restored: readRestored(ledger, config),
    killSwitch: () => killSwitchActive({ killSwitch: killSwitchFile }, {}),
  });
  return { ledger, killSwitchFile, view };
}

describe('status.json while the markets load, from the ledger of an earlier run', () => {
  it('when the ledger is new then nothing blocks but the wait: NORMAL, no losses, no decisions', () => {
    const { view } = setup();
    const status = buildStartingStatus(view());
    expect(status.trading_state).toBe(TradingState.ACTIVE);
    expect(status.risk).toMatchObject({ can_trade: false, reasons: ['markets_loading'], consecutive_losses: 0, capital_preservation: 'NORMAL', kill_switch: false });
    expect(status.shadow).toEqual({ decisions_session: 0, decisions_total: 0, last_decision_at: null });
  });

  it('when the earlier run ended in a losing streak under LOCKDOWN, with shadow decisions, then status says so, and HALTED, before anything restarts', () => {
    const { ledger, view } = setup();
    ledger.insertTrade(realisticTrade(T - 5 * HOUR, { net_pnl: -3 }, 'trd-1'));
    ledger.insertTrade(realisticTrade(T - 4 * HOUR, { net_pnl: 12 }, 'trd-2'));
    ledger.insertTrade(realisticTrade(T - 3 * HOUR, { net_pnl: -4 }, 'trd-3'));
    ledger.insertTrade(realisticTrade(T - 2 * HOUR, { net_pnl: -5 }, 'trd-4'));
    new SqliteSafetyStore(ledger.database).savePreservation({ ...INITIAL_PRESERVATION_STATE, level: 'LOCKDOWN', level_since: T - 2 * HOUR, market_time: T - HOUR }, null);
    new SqliteShadowStore(ledger.database).saveCounters({ decisionsTotal: 1_234, lastDecisionAt: '2023-03-20T11:00:00.000Z' });

    const status = buildStartingStatus(view());
    expect(status.trading_state).toBe(TradingState.HALTED);
    expect(status.risk).toMatchObject({ can_trade: false, reasons: ['capital_preservation', 'markets_loading'], consecutive_losses: 2, capital_preservation: 'LOCKDOWN' });
    expect(status.shadow).toEqual({ decisions_session: 0, decisions_total: 1_234, last_decision_at: '2023-03-20T11:00:00.000Z' });
    expect(buildStartingHeartbeat(view(), 'alive')).toMatchObject({ trading_state: TradingState.HALTED, total_decisions_session: 0, total_decisions_all_time: 1_234, last_decision_at: '2023-03-20T11:00:00.000Z' });
  });

  it('when the kill switch file appears while the markets load then the next status shows it', () => {
    const { killSwitchFile, view } = setup();
    const waiting = view();
    expect(buildStartingStatus(waiting).risk.kill_switch).toBe(false);
    fs.writeFileSync(killSwitchFile, 'set by the operator\n');
    expect(buildStartingStatus(waiting).risk.kill_switch).toBe(true);
  });

  it('when ADJUST_RISK left the risk multiplier at 0 then its reason is listed as the running daemon lists it', () => {
    const { ledger, view } = setup();
    ledger.setSetting(RISK_OVERRIDES_KEY, { risk_multiplier: 0 });
    const status = buildStartingStatus(view());
    expect(status.risk.risk_multiplier).toBe(0);
    expect(status.risk.reasons).toEqual(['risk_multiplier_zero', 'markets_loading']);
  });
});
