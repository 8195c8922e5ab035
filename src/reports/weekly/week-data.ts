import type { TradeRecord } from '../../model/position.js';
import type { GateDayCounts, ReportInputs, SignalLine } from '../daily/report-inputs.js';
import type { ShadowDecision } from '../daily/shadow-log.js';
import { evaluateDecisions, type EvaluatedDecision } from './edge-stats.js';
import { ISO_WEEK_MS, isoWeekLabel, isoWeekStart, type IsoWeek } from './iso-week.js';

/** One ISO week's slice of the inputs, the unit every weekly section is computed on. */
export interface WeekData {
  readonly week: IsoWeek;
  readonly label: string;
  readonly from: number;
  readonly to: number;
  readonly decisions: readonly ShadowDecision[];
  /** The entry decisions among them. */
  readonly entries: readonly ShadowDecision[];
  /** Entries with an outcome at the report's horizon. */
  readonly evaluated: readonly EvaluatedDecision[];
  /** Trades closed in the week, oldest first. */
  readonly trades: readonly TradeRecord[];
  readonly signals: readonly SignalLine[];
  /** The gate's stored counts of the week's days that have them. */
  readonly gateDays: readonly GateDayCounts[];
  /** Balance before the week: starting balance plus every trade closed before it. */
  readonly openingBalance: number;
  /** Each shadow book's trades closed in the week and its balance before it (same starting balance), by name. */
  readonly books: ReadonlyArray<{ readonly name: string; readonly trades: readonly TradeRecord[]; readonly openingBalance: number }>;
}

export function sliceWeek(inputs: ReportInputs, week: IsoWeek, horizon: string | null): WeekData {
  const from = isoWeekStart(week);
  const to = from + ISO_WEEK_MS;
  const inWeek = (ms: number) => ms >= from && ms < to;
  const decisions = inputs.shadow.decisions.filter((d) => inWeek(d.market_time));
  const closedMs = (t: TradeRecord) => Date.parse(t.closed_at);
  const trades = inputs.trades.filter((t) => inWeek(closedMs(t)));
  const before = (list: readonly TradeRecord[]) => list.filter((t) => closedMs(t) < from).reduce((s, t) => s + t.net_pnl, 0);
  const gateDays: GateDayCounts[] = [];
  for (let day = from; day < to; day += 86_400_000) {
    const stats = inputs.gateStats[new Date(day).toISOString().slice(0, 10)];
    if (stats) gateDays.push(stats);
  }
  return {
    week,
    label: isoWeekLabel(week),
    from,
    to,
    decisions,
    entries: decisions.filter((d) => d.entry),
    evaluated: evaluateDecisions(decisions, inputs.shadow.outcomes, horizon),
    trades,
    signals: inputs.signals.filter((s) => inWeek(s.market_time)),
    gateDays,
    openingBalance: inputs.startingBalance + before(inputs.trades),
    books: Object.entries(inputs.shadowBooks)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([name, list]) => ({ name, trades: list.filter((t) => inWeek(closedMs(t))), openingBalance: inputs.startingBalance + before(list) })),
  };
}
