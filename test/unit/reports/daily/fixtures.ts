import type { TradeRecord } from '../../../../src/model/position.js';
import { emptyReportInputs, type GateDayCounts, type ReportInputs, type SignalLine } from '../../../../src/reports/daily/report-inputs.js';
import { collectShadowLog } from '../../../../src/reports/daily/shadow-log.js';

/** Hand-made report inputs: an empty home, with what a test gives laid over it. */
export function makeInputs(patch: Partial<ReportInputs> & { shadowLines?: unknown[] } = {}): ReportInputs {
  const { shadowLines, ...rest } = patch;
  const base = emptyReportInputs('2023-03-23T06:00:00.000Z');
  const present = { ...base.present, ...(shadowLines ? { shadow: true } : {}), ...(rest.present ?? {}) };
  return { ...base, ...(shadowLines ? { shadow: collectShadowLog(shadowLines) } : {}), ...rest, present };
}

let seq = 0;

export function decision(at: string, patch: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'decision',
    id: `d${++seq}`,
    ts: at,
    market_time: at,
    symbol: 'ETH/USDT',
    strategy: 'rsi_revert',
    role: 'challenger',
    action: 'long',
    confidence: 0.7,
    score: 0.5,
    threshold: 0.3,
    price: 100,
    regime: 'sideways',
    expected_value_pct: 0.5,
    cost_estimate_pct: 0.3,
    gate: { allowed: true, reasons: [] },
    executed: false,
    ...patch,
  };
}

export function outcome(decisionId: unknown, patch: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'outcome', decision_id: decisionId, horizon: '1h', price: 101, return_pct: 1, pnl_if_taken: 0.007, ...patch };
}

export function trade(closedAt: string, patch: Partial<TradeRecord> = {}): TradeRecord {
  return {
    id: `t${++seq}`,
    symbol: 'ETH/USDT',
    side: 'long',
    strategy: 'ema_trend',
    opened_at: closedAt,
    closed_at: closedAt,
    entry: 100,
    exit: 101,
    quantity: 1,
    gross_pnl: 1,
    fees: 0.2,
    slippage: 0.1,
    net_pnl: 0.8,
    return_pct: 0.8,
    exit_reason: 'signal',
    hold_s: 60,
    ...patch,
  };
}

export function signal(at: string, patch: Partial<SignalLine> = {}): SignalLine {
  return { market_time: Date.parse(at), symbol: 'ETH/USDT', strategy: 'ema_trend', direction: 'long', confidence: 0.7, expected_value_pct: 0.5, cost_estimate_pct: 0.3, executed: true, reasons: [], ...patch };
}

export function gateDay(day: string, evaluated: number, reasons: Record<string, number>, turnover = 0): GateDayCounts {
  const rejected = Object.values(reasons).reduce((s, n) => s + n, 0);
  return { day, evaluated, allowed: evaluated - rejected, rejected, rejection_reasons: reasons, turnover_blocked: turnover, turnover_block_rate: evaluated > 0 ? turnover / evaluated : null };
}
