import type { TradeRecord } from '../../../src/model/position.js';
import { measureExecutionRealism } from '../../../src/readiness/execution-realism.js';
import { evaluatePromotionGates } from '../../../src/readiness/promotion-gates.js';
import type { ReadinessInput } from '../../../src/readiness/readiness-input.js';
import type { GateDayStats } from '../../../src/risk/gate-stats.js';

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const NOW = Date.UTC(2026, 2, 31, 12);

/** The UTC day `n` days before NOW. */
export const dayBefore = (n: number, now = NOW) => new Date(now - n * DAY).toISOString().slice(0, 10);

/** `count` consecutive days ending `endDaysAgo` days before NOW. */
export const dayRun = (count: number, endDaysAgo = 0) => Array.from({ length: count }, (_, i) => dayBefore(endDaysAgo + count - 1 - i));

export function gateDay(day: string, evaluated: number, turnoverBlocked: number): GateDayStats {
  return {
    day,
    evaluated,
    allowed: evaluated - turnoverBlocked,
    rejected: turnoverBlocked,
    rejection_reasons: turnoverBlocked > 0 ? { min_confidence: turnoverBlocked } : {},
    turnover_blocked: turnoverBlocked,
    turnover_block_rate: evaluated > 0 ? turnoverBlocked / evaluated : null,
  };
}

let tradeCount = 0;

/** A closed trade with realistic costs (fees and slippage > 0), closed `daysAgo` before NOW. */
export function trade(daysAgo: number, overrides: Partial<TradeRecord> = {}): TradeRecord {
  return realisticTrade(NOW - daysAgo * DAY, overrides, `t${++tradeCount}`);
}

/** A closed trade with realistic costs (fees and slippage > 0), closed at `closedAt`. */
export function realisticTrade(closedAt: number, overrides: Partial<TradeRecord> = {}, id = `t${closedAt}`): TradeRecord {
  return {
    id,
    symbol: 'ETH/USDT',
    side: 'long',
    strategy: 'ema_trend',
    opened_at: new Date(closedAt - HOUR).toISOString(),
    closed_at: new Date(closedAt).toISOString(),
    entry: 2_000,
    exit: 2_010,
    quantity: 0.5,
    gross_pnl: 5,
    fees: 2,
    slippage: 1,
    net_pnl: 2,
    return_pct: 0.2,
    exit_reason: 'target',
    hold_s: 3_600,
    ...overrides,
  };
}

/** A home that meets every live-rollout criterion at NOW. */
export function goInput(overrides: Partial<ReadinessInput> = {}): ReadinessInput {
  const signOffs = [{ name: 'Ada Lovelace', at: new Date(NOW - DAY).toISOString() }];
  return {
    now: NOW,
    killSwitch: { active: false, file: false, env: false },
    liveMode: { enabled: false, allowlist: [] },
    capitalPreservation: { level: 'NORMAL', since: null, last_reason: null },
    heartbeat: { timestamp: NOW - 30_000, status: 'alive', total_decisions_all_time: 5_000 },
    dailyReports: [
      { date: dayBefore(2), modified_at: NOW - 30 * HOUR, overall_health: 'HEALTHY', critical_alerts: 0 },
      { date: dayBefore(1), modified_at: NOW - 6 * HOUR, overall_health: 'WARNING', critical_alerts: 0 },
    ],
    marketDays: dayRun(20),
    gateDays: [gateDay(dayBefore(1), 100, 30), gateDay(dayBefore(0), 20, 6)],
    execution: measureExecutionRealism([trade(3), trade(2), trade(1)], 0),
    signOffs,
    promotion: evaluatePromotionGates({ weeks: [], signOffs, now: NOW }),
    ...overrides,
  };
}
