import type { SignOffRecord } from '../ports/safety-store.js';

/** What one weekly shadow report says, as far as the promotion gates need it (null: not in the report). */
export interface WeeklyEvidence {
  /** ISO week from the file name, e.g. 2026-W05. */
  readonly week: string;
  readonly edge_positive: boolean | null;
  readonly delta_pnl: number | null;
  /** Fraction: 0.58 = 58 %. */
  readonly hit_rate: number | null;
  readonly incremental_sharpe: number | null;
  readonly max_drawdown_pct: number | null;
  readonly btc_mitigated: boolean | null;
  /** Evaluated decisions: the week's weight in averages. */
  readonly decisions: number | null;
}

export interface PromotionGate {
  readonly id: number;
  readonly key: string;
  readonly gate: string;
  readonly required: string;
  readonly measured: number | string | null;
  readonly passed: boolean;
  readonly reason: string;
}

/** data/phase2b_go_nogo_summary.json: reference 002's Phase 2C hard requirements, ALL must pass. */
export interface PromotionSummary {
  readonly schema_version: 1;
  readonly generated_at: string;
  readonly phase: '2C';
  readonly verdict: 'GO' | 'NO_GO';
  readonly gates_passed: number;
  readonly gates_total: number;
  readonly gates: readonly PromotionGate[];
  readonly no_go_reasons: readonly string[];
}

export const PROMOTION_THRESHOLDS = {
  weeks: 12,
  positiveWeeks: 10,
  hitRate: 0.55,
  incrementalSharpe: 0.3,
  maxDrawdownPct: 5,
} as const;

const NO_DATA = 'no data yet';
const pct = (fraction: number) => `${(fraction * 100).toFixed(1)}%`;

/**
 * Measures each gate from the weekly reports and the recorded sign-offs. A gate whose evidence
 * is missing fails with "no data yet": absence of proof is not a pass.
 */
export function evaluatePromotionGates(input: { readonly weeks: readonly WeeklyEvidence[]; readonly signOffs: readonly SignOffRecord[]; readonly now: number }): PromotionSummary {
  const weeks = [...input.weeks].sort((a, b) => (a.week < b.week ? -1 : 1));
  const T = PROMOTION_THRESHOLDS;
  const gates: PromotionGate[] = [];
  const add = (key: string, gate: string, required: string, measured: number | string | null, passed: boolean, reason: string) =>
    gates.push({ id: gates.length + 1, key, gate, required, measured, passed, reason });

  add('data_collection', 'Data collection', `${T.weeks}+ weeks`, weeks.length, weeks.length >= T.weeks, weeks.length === 0 ? NO_DATA : `${weeks.length} week(s) of weekly shadow reports, ${T.weeks} needed`);

  const lastTwelve = weeks.slice(-T.weeks);
  const signs = lastTwelve.map((w) => w.edge_positive ?? (w.delta_pnl === null ? null : w.delta_pnl > 0)).filter((s): s is boolean => s !== null);
  const deltas = lastTwelve.map((w) => w.delta_pnl).filter((d): d is number => d !== null);
  const totalDelta = deltas.reduce((a, b) => a + b, 0);
  const positive = signs.filter(Boolean).length;
  add(
    'positive_edge',
    'Positive edge',
    `ΔPnL > 0 consistently (positive in ≥ ${T.positiveWeeks} of the last ${T.weeks} weeks)`,
    signs.length === 0 ? null : `${positive}/${signs.length}`,
    positive >= T.positiveWeeks && (deltas.length === 0 || totalDelta > 0),
    signs.length === 0 ? NO_DATA : `edge positive in ${positive} of ${signs.length} week(s)${deltas.length > 0 ? `, total ΔPnL ${totalDelta.toFixed(2)}` : ''}`,
  );

  const hitRate = weightedMean(weeks, (w) => (w.hit_rate !== null && w.hit_rate > 1 ? w.hit_rate / 100 : w.hit_rate));
  add('hit_rate', 'Hit rate', `≥ ${pct(T.hitRate)}`, round(hitRate), hitRate !== null && hitRate >= T.hitRate, hitRate === null ? NO_DATA : `hit rate ${pct(hitRate)}`);

  const sharpe = weightedMean(weeks, (w) => w.incremental_sharpe);
  add('incremental_sharpe', 'Incremental Sharpe', `≥ ${T.incrementalSharpe}`, round(sharpe), sharpe !== null && sharpe >= T.incrementalSharpe, sharpe === null ? NO_DATA : `incremental Sharpe ${sharpe.toFixed(2)}`);

  const drawdowns = weeks.map((w) => w.max_drawdown_pct).filter((d): d is number => d !== null).map(Math.abs);
  const drawdown = drawdowns.length === 0 ? null : Math.max(...drawdowns);
  add('max_drawdown', 'Max drawdown', `< ${T.maxDrawdownPct}%`, round(drawdown), drawdown !== null && drawdown < T.maxDrawdownPct, drawdown === null ? NO_DATA : `max drawdown ${drawdown.toFixed(2)}%`);

  const btc = [...weeks].reverse().find((w) => w.btc_mitigated !== null)?.btc_mitigated ?? null;
  add('btc_mitigation', 'BTC mitigation', 'Validated (BTC diagnosis shows improvement)', btc === null ? null : String(btc), btc === true, btc === null ? NO_DATA : btc ? 'the latest BTC diagnosis shows improvement' : 'the latest BTC diagnosis shows no improvement');

  const signOff = input.signOffs.at(-1) ?? null;
  add('human_sign_off', 'Human sign-off', 'Documented (paperlive production --sign-off NAME)', signOff ? `${signOff.name} at ${signOff.at}` : null, signOff !== null, signOff ? `signed off by ${signOff.name}` : NO_DATA);

  const failed = gates.filter((g) => !g.passed);
  return {
    schema_version: 1,
    generated_at: new Date(input.now).toISOString(),
    phase: '2C',
    verdict: failed.length === 0 ? 'GO' : 'NO_GO',
    gates_passed: gates.length - failed.length,
    gates_total: gates.length,
    gates,
    no_go_reasons: failed.map((g) => `${g.gate}: ${g.reason} (required ${g.required})`),
  };
}

/** Mean of the weeks' values, each week weighted by its decisions (1 when unknown). */
function weightedMean(weeks: readonly WeeklyEvidence[], value: (w: WeeklyEvidence) => number | null): number | null {
  let sum = 0;
  let weight = 0;
  for (const w of weeks) {
    const v = value(w);
    if (v === null || !Number.isFinite(v)) continue;
    const wt = w.decisions !== null && w.decisions > 0 ? w.decisions : 1;
    sum += v * wt;
    weight += wt;
  }
  return weight > 0 ? sum / weight : null;
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(value * 1e4) / 1e4;
}
