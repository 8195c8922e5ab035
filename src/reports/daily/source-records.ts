import type { CapitalPreservationFile, SignalLine, StrategyWeightsFile, WeightShift } from './report-inputs.js';
import { toMarketMs } from './shadow-log.js';

/*
 * The other raw records the reports read, normalised tolerantly: a field of the wrong type is
 * left out or null, never guessed. The writers are src/app/daemon.ts (signals),
 * src/shadow/strategy-weights.ts and src/risk/capital-preservation/preservation-document.ts.
 */

/** One logs/signals.jsonl record; null when it has no usable market time or symbol. */
export function toSignalLine(record: unknown): SignalLine | null {
  if (typeof record !== 'object' || record === null) return null;
  const r = record as Record<string, unknown>;
  const marketTime = toMarketMs(r.market_time);
  if (marketTime === null || typeof r.symbol !== 'string') return null;
  const gate = (typeof r.gate === 'object' && r.gate !== null ? r.gate : {}) as Record<string, unknown>;
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  return {
    market_time: marketTime,
    symbol: r.symbol,
    strategy: typeof r.strategy === 'string' ? r.strategy : 'unknown',
    direction: typeof r.direction === 'string' ? r.direction : 'unknown',
    confidence: num(r.confidence),
    expected_value_pct: num(r.expected_value_pct),
    cost_estimate_pct: num(r.cost_estimate_pct),
    executed: r.executed === true,
    reasons: Array.isArray(gate.reasons) ? gate.reasons.filter((x): x is string => typeof x === 'string') : [],
  };
}

/** data/rl/strategy_weights.json; only `shift` events of a strategy count as shifts (resets and refused proposals move nothing). */
export function toWeightsFile(doc: unknown): StrategyWeightsFile | null {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return null;
  const d = doc as Record<string, unknown>;
  const weights = typeof d.weights === 'object' && d.weights !== null ? Object.fromEntries(Object.entries(d.weights).filter((e): e is [string, number] => typeof e[1] === 'number')) : {};
  const history: WeightShift[] = [];
  for (const entry of Array.isArray(d.history) ? d.history : []) {
    const h = (entry ?? {}) as Record<string, unknown>;
    if ((h.event !== undefined && h.event !== 'shift') || typeof h.strategy !== 'string' || typeof h.applied_shift !== 'number') continue;
    const day = typeof h.day === 'string' ? h.day : typeof h.market_time === 'string' ? h.market_time.slice(0, 10) : null;
    if (day === null) continue;
    history.push({ day, strategy: h.strategy, requested_shift: typeof h.requested_shift === 'number' ? h.requested_shift : null, applied_shift: h.applied_shift, clamped: h.clamped === true || h.severity === 'critical' });
  }
  return {
    weights,
    updated_at: typeof d.updated_at === 'string' ? d.updated_at : null,
    max_daily_shift: typeof d.max_daily_shift === 'number' ? d.max_daily_shift : null,
    history,
  };
}

/** data/capital_preservation_state.json; transition times may be ISO or ms. */
export function toCapitalFile(doc: unknown): CapitalPreservationFile | null {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return null;
  const d = doc as Record<string, unknown>;
  const level = typeof d.level === 'string' ? d.level : typeof d.current_level === 'string' ? d.current_level : null;
  const str = (v: unknown) => (typeof v === 'string' ? v : null);
  const transitions = (Array.isArray(d.transitions) ? d.transitions : []).flatMap((t) => {
    const r = (t ?? {}) as Record<string, unknown>;
    const at = typeof r.at === 'number' ? new Date(r.at).toISOString() : str(r.at);
    return at === null ? [] : [{ at, from: str(r.from), to: str(r.to), reason: str(r.reason) ?? str(r.trigger) }];
  });
  return { level, transitions };
}
