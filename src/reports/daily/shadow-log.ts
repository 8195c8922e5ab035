/**
 * data/rl/shadow_decisions.jsonl (SPEC §7) as the reports read it: decision lines and the
 * outcome lines that come later, joined by decision id. Lines are read tolerantly (a field
 * of the wrong type becomes null), but a decision without an id, a symbol or a market time
 * cannot be placed in any report and is counted as invalid. Ids are deterministic and a batch
 * replayed after a crash writes its lines again, so the first line per decision id (and per
 * decision id and horizon, for outcomes) is kept and repeats are counted as `duplicates`.
 */
export interface ShadowDecision {
  readonly id: string;
  /** Market time in ms (the line may give ISO or ms). */
  readonly market_time: number;
  readonly symbol: string;
  readonly strategy: string;
  /** champion | challenger | advisor (anything else is kept as written). */
  readonly role: string;
  readonly action: string;
  /** True when the action opens a position (long/buy/enter…): only these have an edge to evaluate. */
  readonly entry: boolean;
  readonly confidence: number | null;
  readonly score: number | null;
  readonly price: number | null;
  readonly regime: string | null;
  readonly expected_value_pct: number | null;
  readonly cost_estimate_pct: number | null;
  readonly gate_allowed: boolean | null;
  readonly gate_reasons: readonly string[];
  readonly executed: boolean;
}

export interface ShadowOutcome {
  readonly decision_id: string;
  /** As written ("1h", "4h", "24h"), as a string key. */
  readonly horizon: string;
  readonly price: number | null;
  /** The market's move from the decision's price to the horizon's close, percent, before costs. */
  readonly return_pct: number | null;
  /** Net result of acting on the decision with ONE unit of quote notional, fees and slippage on both legs (src/shadow/outcome-math.ts). */
  readonly pnl_if_taken: number | null;
}

export interface ShadowLog {
  /** Decisions inside the requested window, in file order. */
  readonly decisions: readonly ShadowDecision[];
  /** Outcomes of those decisions, by decision id. */
  readonly outcomes: ReadonlyMap<string, readonly ShadowOutcome[]>;
  /** Every valid decision before the window's end, in or out of it (the all-time count). */
  readonly totalDecisions: number;
  /** Market time (ms) of the earliest valid decision before the window's end; null without any. */
  readonly firstDecisionAt: number | null;
  /** Lines that parsed as JSON but are neither a usable decision nor an outcome. */
  readonly invalidLines: number;
  /** Repeated decision ids and outcome (id, horizon) pairs, ignored. */
  readonly duplicates: number;
}

export const ENTRY_ACTIONS: ReadonlySet<string> = new Set(['long', 'buy', 'enter', 'entry', 'enter_long', 'open_long']);

export interface TimeWindow {
  readonly from: number;
  readonly to: number;
}

/** Normalises parsed JSONL records; keeps decisions whose market time is in [from, to). */
export function collectShadowLog(records: Iterable<unknown>, window: TimeWindow = { from: -Infinity, to: Infinity }): ShadowLog {
  const decisions: ShadowDecision[] = [];
  const seen = new Set<string>();
  const kept = new Set<string>();
  const pendingOutcomes: ShadowOutcome[] = [];
  let duplicates = 0;
  let total = 0;
  let first: number | null = null;
  let invalid = 0;
  for (const record of records) {
    if (!isObject(record)) {
      invalid++;
      continue;
    }
    if (record.type === 'outcome') {
      const outcome = toOutcome(record);
      if (outcome) pendingOutcomes.push(outcome);
      else invalid++;
      continue;
    }
    const decision = record.type === 'decision' || record.type === undefined ? toDecision(record) : null;
    if (!decision) {
      invalid++;
      continue;
    }
    if (seen.has(decision.id)) {
      duplicates++;
      continue;
    }
    seen.add(decision.id);
    if (decision.market_time < window.to) {
      total++;
      if (first === null || decision.market_time < first) first = decision.market_time;
    }
    if (decision.market_time >= window.from && decision.market_time < window.to) {
      decisions.push(decision);
      kept.add(decision.id);
    }
  }
  const outcomes = new Map<string, ShadowOutcome[]>();
  for (const outcome of pendingOutcomes) {
    if (!kept.has(outcome.decision_id)) continue;
    const list = outcomes.get(outcome.decision_id);
    if (!list) outcomes.set(outcome.decision_id, [outcome]);
    else if (list.some((o) => o.horizon === outcome.horizon)) duplicates++;
    else list.push(outcome);
  }
  return { decisions, outcomes, totalDecisions: total, firstDecisionAt: first, invalidLines: invalid, duplicates };
}

/** A market time given as ms or as an ISO string, in ms; null when it is neither. */
export function toMarketMs(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value)) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

function toDecision(r: Record<string, unknown>): ShadowDecision | null {
  const id = str(r.id);
  const marketTime = toMarketMs(r.market_time);
  const symbol = str(r.symbol);
  if (id === null || marketTime === null || symbol === null) return null;
  const action = (str(r.action) ?? '').toLowerCase();
  const gate = isObject(r.gate) ? r.gate : {};
  return {
    id,
    market_time: marketTime,
    symbol,
    strategy: str(r.strategy) ?? 'unknown',
    role: str(r.role) ?? 'unknown',
    action,
    entry: ENTRY_ACTIONS.has(action),
    confidence: num(r.confidence),
    score: num(r.score),
    price: num(r.price),
    regime: str(r.regime),
    expected_value_pct: num(r.expected_value_pct),
    cost_estimate_pct: num(r.cost_estimate_pct),
    gate_allowed: typeof gate.allowed === 'boolean' ? gate.allowed : null,
    gate_reasons: Array.isArray(gate.reasons) ? gate.reasons.filter((x): x is string => typeof x === 'string') : [],
    executed: r.executed === true,
  };
}

function toOutcome(r: Record<string, unknown>): ShadowOutcome | null {
  const id = str(r.decision_id);
  const horizon = typeof r.horizon === 'number' || typeof r.horizon === 'string' ? String(r.horizon) : null;
  if (id === null || horizon === null) return null;
  return { decision_id: id, horizon, price: num(r.price), return_pct: num(r.return_pct), pnl_if_taken: num(r.pnl_if_taken) };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function str(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function num(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}
