import type { DataSources } from '../daily/daily-report-types.js';
import { dataSourcesOf, type ReportInputs } from '../daily/report-inputs.js';
import { countBy, sum } from '../daily/tally.js';
import { btcDiagnosis, type BtcDiagnosis } from './btc-diagnosis.js';
import { confidenceSweep, type ConfidenceSweep } from './confidence-sweep.js';
import { costDecomposition, type CostDecomposition } from './cost-decomposition.js';
import { counterfactualEvaluation, type CounterfactualEvaluation } from './counterfactual.js';
import { driftCheck, type DriftCheck } from './drift-check.js';
import { primaryHorizon } from './edge-stats.js';
import { isoWeekOf, isoWeeksBetween, previousIsoWeek, type IsoWeek } from './iso-week.js';
import { regimeOf, segmentEdges, symbolOf, type SegmentEdge } from './segment-edge.js';
import { bookWeek, type BookWeek } from './shadow-books.js';
import { weeklySummary, type WeeklySummary } from './weekly-summary.js';
import { sliceWeek, type WeekData } from './week-data.js';

/**
 * data/reports/weekly_shadow_report_YYYY-Www.json: reference 002's weekly evidence report for
 * one ISO week (Monday 00:00 to Monday 00:00 UTC, market time). Every section says "no data"
 * in its `note` when it has nothing to stand on; its figures are then null, never invented.
 */
export interface WeeklyReport {
  readonly schema_version: 1;
  /** "2023-W12". */
  readonly week: string;
  readonly iso_year: number;
  /** The ISO week number (the weeks of collection are data_collection.weeks_collected). */
  readonly week_number: number;
  readonly week_start: string;
  /** The week's Sunday. */
  readonly week_ending: string;
  readonly timestamp: string;
  /** True once the engine has processed a candle of a later week. */
  readonly week_complete: boolean;
  readonly data_collection: DataCollection;
  readonly counterfactual_evaluation: CounterfactualEvaluation;
  readonly symbol_edge_analysis: Readonly<Record<string, SegmentEdge>>;
  readonly regime_edge_analysis: Readonly<Record<string, SegmentEdge>>;
  readonly cost_decomposition: CostDecomposition;
  readonly confidence_sweep: ConfidenceSweep;
  readonly drift_check: DriftCheck;
  readonly btc_diagnosis: BtcDiagnosis;
  /** The champion's paper account: the record that counts. */
  readonly paper_account: PaperAccountWeek;
  /** Each shadow book (challengers, advisors, the champion's mirror) on the same starting balance. */
  readonly shadow_books: Readonly<Record<string, BookWeek>>;
  readonly data_sources: DataSources;
  readonly summary: WeeklySummary;
}

export interface DataCollection {
  readonly total_decisions: number;
  readonly entry_decisions: number;
  readonly outcomes: number;
  readonly by_symbol: Readonly<Record<string, number>>;
  /** Decisions without a regime are counted as "unknown". */
  readonly by_regime: Readonly<Record<string, number>>;
  readonly by_role: Readonly<Record<string, number>>;
  readonly by_strategy: Readonly<Record<string, number>>;
  readonly by_action: Readonly<Record<string, number>>;
  readonly days_with_decisions: number;
  readonly first_decision_at: string | null;
  readonly last_decision_at: string | null;
  /** Decisions up to the end of the week. */
  readonly total_all_time: number;
  /** ISO weeks from the first shadow decision ever to this one, inclusive (the runbook's "week N / 12"). */
  readonly weeks_collected: number;
  readonly champion_signals: number;
  readonly champion_trades: number;
  readonly note: string | null;
}

export interface PaperAccountWeek extends BookWeek {
  readonly end_of_day_equity: Readonly<Record<string, number>>;
}

/** The two weeks a weekly report compares, and the outcome horizon both are evaluated at. */
export interface WeekPair {
  readonly current: WeekData;
  readonly prior: WeekData;
  readonly horizon: string | null;
}

export function prepareWeeks(inputs: ReportInputs, week: IsoWeek): WeekPair {
  const bare = sliceWeek(inputs, week, null);
  const priorBare = sliceWeek(inputs, previousIsoWeek(week), null);
  const horizon = primaryHorizon([...bare.decisions, ...priorBare.decisions], inputs.shadow.outcomes);
  return { current: sliceWeek(inputs, week, horizon), prior: sliceWeek(inputs, previousIsoWeek(week), horizon), horizon };
}

/** The report of one ISO week. Pure: the same inputs give the same bytes. */
export function buildWeeklyReport(inputs: ReportInputs, week: IsoWeek): WeeklyReport {
  const { current: w, prior, horizon } = prepareWeeks(inputs, week);
  const outcomesOf = (id: string) => inputs.shadow.outcomes.get(id) ?? [];
  const roles = new Map(inputs.shadow.decisions.map((d) => [d.strategy, d.role]));
  const books: Record<string, BookWeek> = Object.fromEntries(w.books.map((b) => [b.name, bookWeek(roles.get(b.name) ?? 'unknown', b.trades, b.openingBalance, w.from)]));
  const counterfactual = counterfactualEvaluation(w, horizon, outcomesOf, books);
  const regimeEdge = segmentEdges(w, regimeOf);
  const costs = costDecomposition(w);
  const btc = btcDiagnosis(w, prior);
  const drift = driftCheck(w, prior);
  const collection = dataCollection(inputs, w);
  return {
    schema_version: 1,
    week: w.label,
    iso_year: week.year,
    week_number: week.week,
    week_start: isoDay(w.from),
    week_ending: isoDay(w.to - 86_400_000),
    timestamp: inputs.generatedAt,
    week_complete: inputs.marketTime !== null && inputs.marketTime >= w.to,
    data_collection: collection,
    counterfactual_evaluation: counterfactual,
    symbol_edge_analysis: segmentEdges(w, symbolOf),
    regime_edge_analysis: regimeEdge,
    cost_decomposition: costs,
    confidence_sweep: confidenceSweep(w.evaluated),
    drift_check: drift,
    btc_diagnosis: btc,
    paper_account: { ...bookWeek('champion', w.trades, w.openingBalance, w.from), end_of_day_equity: endOfDayEquity(inputs, w) },
    shadow_books: books,
    data_sources: dataSourcesOf(inputs),
    summary: weeklySummary({ collection, counterfactual, regimeEdge, costs, drift, btc }),
  };
}

function dataCollection(inputs: ReportInputs, w: WeekData): DataCollection {
  const times = w.decisions.map((d) => d.market_time);
  const first = inputs.shadow.firstDecisionAt;
  let note: string | null = null;
  if (!inputs.present.shadow) note = 'no data: data/rl/shadow_decisions.jsonl does not exist (shadow mode has not written here)';
  else if (w.decisions.length === 0) note = 'no data: no shadow decision has a market time in this week';
  return {
    total_decisions: w.decisions.length,
    entry_decisions: w.entries.length,
    outcomes: sum(w.decisions.map((d) => inputs.shadow.outcomes.get(d.id)?.length ?? 0)),
    by_symbol: countBy(w.decisions, (d) => d.symbol),
    by_regime: countBy(w.decisions, regimeOf),
    by_role: countBy(w.decisions, (d) => d.role),
    by_strategy: countBy(w.decisions, (d) => d.strategy),
    by_action: countBy(w.decisions, (d) => d.action || 'unknown'),
    days_with_decisions: new Set(times.map(isoDay)).size,
    first_decision_at: times.length > 0 ? new Date(times.reduce((a, b) => Math.min(a, b))).toISOString() : null,
    last_decision_at: times.length > 0 ? new Date(times.reduce((a, b) => Math.max(a, b))).toISOString() : null,
    total_all_time: inputs.shadow.totalDecisions,
    weeks_collected: first !== null && first < w.to ? isoWeeksBetween(isoWeekOf(first), w.week) + 1 : 0,
    champion_signals: w.signals.length,
    champion_trades: w.trades.length,
    note,
  };
}

function endOfDayEquity(inputs: ReportInputs, w: WeekData): Record<string, number> {
  const from = isoDay(w.from);
  const to = isoDay(w.to);
  return Object.fromEntries(inputs.dailyEquity.filter((r) => r.day >= from && r.day < to).map((r) => [r.day, r.equity]));
}

function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}
