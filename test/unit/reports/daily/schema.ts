import { expect } from 'vitest';

/**
 * Reference 002's report schemas as key → type, to check reports against. A type is a
 * `typeof` name, 'array', 'null', a union 'number|null', or a nested spec. Extra keys are
 * allowed (the reports add to the reference, never take away).
 */
export type Spec = { readonly [key: string]: string | Spec };

/** "Daily Health Report Schema" of reference 002 (values that may be unmeasured are nullable). */
export const DAILY_SCHEMA: Spec = {
  date: 'string',
  timestamp: 'string',
  shadow_collection: { logging_healthy: 'boolean', decisions_today: 'number', pending_decisions: 'number', total_all_time: 'number' },
  capital_preservation: { current_level: 'string|null', transitions_today: 'number', alert: 'boolean' },
  strategy_weighting: { enabled: 'boolean', shifts_today: 'number', max_shift_observed: 'number|null', clamp_exceeded: 'boolean' },
  tradegate: { rejections_today: 'number', rejection_reasons: 'object' },
  summary: { overall_health: 'string', alerts: 'array', recommendations: 'array' },
};

const EDGE: Spec = { decisions: 'number', delta_pnl: 'number|null', hit_rate: 'number|null', sharpe: 'number|null', edge_positive: 'boolean|null' };

/** "Weekly Report Schema" of reference 002; its `{ ... }` sections get the keys docs/reports.md gives them. */
export const WEEKLY_SCHEMA: Spec = {
  week_ending: 'string',
  week_number: 'number',
  data_collection: { total_decisions: 'number', by_symbol: 'object', by_regime: 'object' },
  counterfactual_evaluation: { primary_horizon: 'string|null', shadow: EDGE, champion: EDGE, by_strategy: 'object', incremental_sharpe: 'number|null' },
  symbol_edge_analysis: 'object',
  regime_edge_analysis: 'object',
  cost_decomposition: { trades: 'number', fees: 'number', slippage: 'number', net_pnl: 'number', cost_pct_of_pnl_before_costs: 'number|null', by_symbol: 'object' },
  confidence_sweep: { best_threshold: 'number|null', results: 'array' },
  drift_check: { prior_week: 'string', metrics: 'object', flags: 'array', drift_detected: 'boolean|null' },
  btc_diagnosis: { entry_signals: 'number', turnover_blocked: 'number', entries_per_day: 'number|null', primary_cause: 'string|null', findings: 'array' },
  summary: { overall_edge_positive: 'boolean|null', edge_stable_across_regimes: 'boolean|null', promotion_gate_progress: 'object' },
};

export const EDGE_SPEC = EDGE;

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** Every key of `spec` is in `value` with one of its types; returns the problems found (empty = conforms). */
export function schemaProblems(value: unknown, spec: Spec, at = ''): string[] {
  const problems: string[] = [];
  if (typeOf(value) !== 'object') return [`${at || 'report'} is ${typeOf(value)}, not an object`];
  const obj = value as Record<string, unknown>;
  for (const [key, type] of Object.entries(spec)) {
    const where = at ? `${at}.${key}` : key;
    if (!(key in obj)) {
      problems.push(`${where} is missing`);
      continue;
    }
    if (typeof type === 'string') {
      const actual = typeOf(obj[key]);
      if (!type.split('|').includes(actual)) problems.push(`${where} is ${actual}, expected ${type}`);
      if (actual === 'number' && !Number.isFinite(obj[key])) problems.push(`${where} is not finite`);
    } else {
      problems.push(...schemaProblems(obj[key], type, where));
    }
  }
  return problems;
}

export function expectSchema(value: unknown, spec: Spec): void {
  expect(schemaProblems(value, spec)).toEqual([]);
}

/** No NaN or ±Infinity can survive JSON (they become null); this finds them before serialisation. */
export function nonFiniteNumbers(value: unknown, at = '$'): string[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [at];
  if (Array.isArray(value)) return value.flatMap((v, i) => nonFiniteNumbers(v, `${at}[${i}]`));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => nonFiniteNumbers(v, `${at}.${k}`));
  return [];
}
