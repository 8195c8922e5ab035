import { TURNOVER_REASONS } from '../../model/reason-codes.js';
import { judgeDailyHealth } from './daily-health.js';
import { countBy, roundCash } from './tally.js';
import type { CapitalPreservationSection, DailyReport, PaperAccountSection, ShadowCollection, StrategyWeightingSection, TradeGateSection } from './daily-report-types.js';
import { dataSourcesOf, type GateDayCounts, type ReportInputs, type SignalLine } from './report-inputs.js';

/** Advisor weight shifts are clamped to 10 % per strategy per day (SPEC §7). */
export const WEIGHT_SHIFT_CLAMP = 0.1;
const DAY_MS = 86_400_000;
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;

/** The report of UTC market day `day` (YYYY-MM-DD). Pure: the same inputs give the same bytes. */
export function buildDailyReport(inputs: ReportInputs, day: string): DailyReport {
  const from = Date.parse(`${day}T00:00:00.000Z`);
  if (!DAY_RE.test(day) || Number.isNaN(from) || new Date(from).toISOString().slice(0, 10) !== day) throw new RangeError(`"${day}" is not a date of the form YYYY-MM-DD`);
  const to = from + DAY_MS;
  const inDay = (ms: number) => ms >= from && ms < to;

  const shadow_collection = shadowSection(inputs, inDay, to);
  const capital_preservation = capitalSection(inputs, inDay);
  const strategy_weighting = weightingSection(inputs, day);
  const daySignals = inputs.signals.filter((s) => inDay(s.market_time));
  const tradegate = gateSection(inputs.gateStats[day], daySignals, inputs.present);
  const paper_account = accountSection(inputs, day, daySignals, inDay);
  const data_sources = dataSourcesOf(inputs);
  const summary = judgeDailyHealth({ day, shadow: shadow_collection, capital: capital_preservation, weighting: strategy_weighting, gate: tradegate, account: paper_account, issues: inputs.issues });
  return {
    schema_version: 1,
    date: day,
    timestamp: inputs.generatedAt,
    market_day_closed: inputs.marketTime !== null && inputs.marketTime >= to,
    shadow_collection,
    capital_preservation,
    strategy_weighting,
    tradegate,
    paper_account,
    data_sources,
    summary,
  };
}

function shadowSection(inputs: ReportInputs, inDay: (ms: number) => boolean, dayEnd: number): ShadowCollection {
  const { shadow } = inputs;
  const today = shadow.decisions.filter((d) => inDay(d.market_time));
  const outcomesToday = today.reduce((n, d) => n + (shadow.outcomes.get(d.id)?.length ?? 0), 0);
  const last = today.reduce<number | null>((max, d) => (max === null || d.market_time > max ? d.market_time : max), null);
  const total = shadow.totalDecisions - shadow.decisions.filter((d) => d.market_time >= dayEnd).length;
  let note: string | null = null;
  if (!inputs.present.shadow) note = 'no data: data/rl/shadow_decisions.jsonl does not exist (shadow mode has not written here)';
  else if (today.length === 0) note = 'no data: no shadow decision has a market time on this day';
  return {
    logging_healthy: today.length > 0,
    decisions_today: today.length,
    pending_decisions: today.filter((d) => !shadow.outcomes.has(d.id)).length,
    total_all_time: total,
    outcomes_today: outcomesToday,
    by_role: countBy(today, (d) => d.role),
    by_strategy: countBy(today, (d) => d.strategy),
    last_decision_at: last === null ? null : new Date(last).toISOString(),
    note,
  };
}

const HALTING_LEVELS = new Set(['lockdown', 'crisis']);

function capitalSection(inputs: ReportInputs, inDay: (ms: number) => boolean): CapitalPreservationSection {
  const state = inputs.capitalPreservation;
  if (!state) return { current_level: null, transitions_today: 0, alert: false, note: 'no data: data/capital_preservation_state.json does not exist' };
  const transitions = state.transitions.filter((t) => {
    const ms = Date.parse(t.at);
    return !Number.isNaN(ms) && inDay(ms);
  }).length;
  const level = state.level === null ? null : state.level.toLowerCase();
  const normal = level === null || level === 'normal';
  return {
    current_level: level,
    transitions_today: transitions,
    alert: !normal || transitions > 0,
    note: level === null ? 'the state file has no level' : HALTING_LEVELS.has(level) ? `trading halted by capital preservation (${level.toUpperCase()})` : null,
  };
}

function weightingSection(inputs: ReportInputs, day: string): StrategyWeightingSection {
  const file = inputs.weights;
  if (!file) {
    return { enabled: false, shifts_today: 0, max_shift_observed: null, clamp_exceeded: false, clamp_limit: WEIGHT_SHIFT_CLAMP, clamped_today: 0, violations: [], weights: null, note: 'no data: data/rl/strategy_weights.json does not exist (no advisor has written weights)' };
  }
  const limit = file.max_daily_shift ?? WEIGHT_SHIFT_CLAMP;
  const today = file.history.filter((h) => h.day === day);
  // Shifts are against the day's opening weight, so a strategy's move on the day is its largest one.
  const moved = new Map<string, number>();
  for (const shift of today) moved.set(shift.strategy, Math.max(moved.get(shift.strategy) ?? 0, Math.abs(shift.applied_shift)));
  // A hair over the clamp is floating point, not a breach.
  const violations = today
    .filter((h) => h.clamped || Math.abs(h.applied_shift) > limit + 1e-9)
    .map((h) => ({ strategy: h.strategy, requested_shift: h.requested_shift, applied_shift: h.applied_shift, clamp_held: Math.abs(h.applied_shift) <= limit + 1e-9 }));
  return {
    enabled: true,
    shifts_today: today.length,
    max_shift_observed: moved.size > 0 ? Math.max(...moved.values()) : null,
    clamp_exceeded: violations.length > 0,
    clamp_limit: limit,
    clamped_today: today.filter((h) => h.clamped).length,
    violations,
    weights: file.weights,
    note: today.length === 0 ? 'no weight shift on this day' : null,
  };
}

function gateSection(stored: GateDayCounts | undefined, signals: readonly SignalLine[], present: ReportInputs['present']): TradeGateSection {
  if (stored) {
    const rate = stored.evaluated > 0 ? stored.rejected / stored.evaluated : null;
    return { rejections_today: stored.rejected, rejection_reasons: stored.rejection_reasons, evaluated: stored.evaluated, allowed: stored.allowed, rejection_rate: rate, turnover_blocked: stored.turnover_blocked, turnover_block_rate: stored.turnover_block_rate, source: 'ledger', note: null };
  }
  const entries = signals.filter((s) => s.direction !== 'exit');
  if (!present.signals && !present.ledger) {
    return { rejections_today: 0, rejection_reasons: {}, evaluated: 0, allowed: 0, rejection_rate: null, turnover_blocked: 0, turnover_block_rate: null, source: 'none', note: 'no data: neither the ledger nor logs/signals.jsonl exists' };
  }
  const rejected = entries.filter((s) => !s.executed);
  const reasons = countBy(rejected, (s) => s.reasons[0] ?? 'unknown');
  const turnover = rejected.filter((s) => TURNOVER_REASONS.has(s.reasons[0] ?? '')).length;
  return {
    rejections_today: rejected.length,
    rejection_reasons: reasons,
    evaluated: entries.length,
    allowed: entries.length - rejected.length,
    rejection_rate: entries.length > 0 ? rejected.length / entries.length : null,
    turnover_blocked: turnover,
    turnover_block_rate: entries.length > 0 ? turnover / entries.length : null,
    source: present.signals ? 'signals_log' : 'none',
    note: entries.length === 0 ? 'no data: the gate judged no entry signal on this day' : 'the ledger has no gate counts for this day; recounted from logs/signals.jsonl',
  };
}

function accountSection(inputs: ReportInputs, day: string, signals: readonly SignalLine[], inDay: (ms: number) => boolean): PaperAccountSection {
  const trades = inputs.trades.filter((t) => t.closed_at.slice(0, 10) === day);
  const events = inputs.controlEvents.filter((e) => {
    const ms = Date.parse(e.at);
    return !Number.isNaN(ms) && inDay(ms);
  });
  return {
    trades_today: trades.length,
    wins: trades.filter((t) => t.net_pnl > 0).length,
    losses: trades.filter((t) => t.net_pnl < 0).length,
    net_pnl: roundCash(trades.reduce((s, t) => s + t.net_pnl, 0)),
    fees: roundCash(trades.reduce((s, t) => s + t.fees, 0)),
    slippage: roundCash(trades.reduce((s, t) => s + t.slippage, 0)),
    equity_end_of_day: inputs.dailyEquity.find((r) => r.day === day)?.equity ?? null,
    signals_today: signals.length,
    executed_signals_today: signals.filter((s) => s.executed).length,
    control_events_today: events.length,
    control_rejections_today: events.filter((e) => e.result !== 'applied').length,
  };
}
