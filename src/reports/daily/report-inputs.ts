import type { TradeRecord } from '../../model/position.js';
import type { ShadowLog } from './shadow-log.js';
import type { GateDayStats } from '../../model/gate-day-stats.js';
import type { DataSources } from './daily-report-types.js';

/**
 * Everything the daily and weekly reports are built from, gathered from a home by
 * app/report-sources.ts. Each source may be missing or empty; `present` says which were
 * found, so a report can say "no data" rather than show a zero it never measured.
 */
export interface ReportInputs {
  /** Wall time the report is made (its `timestamp`), ISO. */
  readonly generatedAt: string;
  /** The market clock (ms): the end of the latest candle the engine processed; null when no daemon has run here. */
  readonly marketTime: number | null;
  readonly startingBalance: number;
  /** Closed trades from the ledger, oldest first. */
  readonly trades: readonly TradeRecord[];
  /** End-of-day equity rows of the ledger, by day ascending. */
  readonly dailyEquity: readonly DailyEquityRow[];
  /** The gate's counts per UTC market day (settings `gate.stats.YYYY-MM-DD`), by day. */
  readonly gateStats: Readonly<Record<string, GateDayCounts>>;
  readonly controlEvents: readonly ControlEventLine[];
  /** logs/signals.jsonl lines with a parseable market time. */
  readonly signals: readonly SignalLine[];
  readonly shadow: ShadowLog;
  /** Closed trades of each shadow book (challengers, advisors, the champion's mirror), by book name, oldest first. */
  readonly shadowBooks: Readonly<Record<string, readonly TradeRecord[]>>;
  readonly weights: StrategyWeightsFile | null;
  readonly capitalPreservation: CapitalPreservationFile | null;
  readonly present: SourcePresence;
  /** Lines skipped as torn or unparseable, files that could not be read: every one is named in the report. */
  readonly issues: readonly string[];
}

export interface SourcePresence {
  readonly ledger: boolean;
  readonly signals: boolean;
  readonly shadow: boolean;
  readonly weights: boolean;
  readonly capitalPreservation: boolean;
}

export interface DailyEquityRow {
  readonly day: string;
  readonly equity: number;
  readonly balance: number;
}

/** The gate's counts for one market day, as risk/gate-stats.ts stores them. */
export type GateDayCounts = GateDayStats;

export interface ControlEventLine {
  readonly at: string;
  readonly file: string;
  readonly result: string;
  readonly reason: string;
}

/** One line of logs/signals.jsonl, as much of it as the reports read; market time in ms. */
export interface SignalLine {
  readonly market_time: number;
  readonly symbol: string;
  readonly strategy: string;
  readonly direction: string;
  readonly confidence: number | null;
  readonly expected_value_pct: number | null;
  readonly cost_estimate_pct: number | null;
  readonly executed: boolean;
  readonly reasons: readonly string[];
}

/** data/rl/strategy_weights.json (src/shadow/strategy-weights.ts), tolerated in part. */
export interface StrategyWeightsFile {
  readonly weights: Readonly<Record<string, number>>;
  readonly updated_at: string | null;
  /** The clamp the writer enforced; null when the file does not say. */
  readonly max_daily_shift: number | null;
  readonly history: readonly WeightShift[];
}

/** One weight change of one strategy. Shifts are measured against the weight the UTC day opened with. */
export interface WeightShift {
  readonly day: string;
  readonly strategy: string;
  readonly requested_shift: number | null;
  readonly applied_shift: number;
  /** The advisor asked for more than the clamp allows (the writer logged CLAMP VIOLATION, severity critical). */
  readonly clamped: boolean;
}

/** data/capital_preservation_state.json, tolerated in part. */
export interface CapitalPreservationFile {
  readonly level: string | null;
  readonly transitions: readonly LevelTransition[];
}

export interface LevelTransition {
  /** ISO time of the change (market time when the writer gives it). */
  readonly at: string;
  readonly from: string | null;
  readonly to: string | null;
  readonly reason: string | null;
}

/** Inputs of a home where nothing has run yet. */
export function emptyReportInputs(generatedAt: string, startingBalance = 10_000): ReportInputs {
  return {
    generatedAt,
    marketTime: null,
    startingBalance,
    trades: [],
    dailyEquity: [],
    gateStats: {},
    controlEvents: [],
    signals: [],
    shadow: { decisions: [], outcomes: new Map(), totalDecisions: 0, firstDecisionAt: null, invalidLines: 0, duplicates: 0 },
    shadowBooks: {},
    weights: null,
    capitalPreservation: null,
    present: { ledger: false, signals: false, shadow: false, weights: false, capitalPreservation: false },
    issues: [],
  };
}

/** Which of the report's sources were there, and what was wrong with them: both reports' `data_sources`. */
export function dataSourcesOf(inputs: ReportInputs): DataSources {
  return {
    ledger: inputs.present.ledger,
    signals_log: inputs.present.signals,
    shadow_decisions: inputs.present.shadow,
    strategy_weights: inputs.present.weights,
    capital_preservation_state: inputs.present.capitalPreservation,
    issues: inputs.issues,
  };
}
