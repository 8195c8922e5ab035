import type { ReportInputs } from '../daily/report-inputs.js';
import { barChart } from '../svg/bar-chart.js';
import { lineChart } from '../svg/line-chart.js';
import { svgDocument, text } from '../svg/svg.js';
import { balanceCurve, drawdownCurve, type EquityCurve } from './curves.js';
import type { IsoWeek } from './iso-week.js';
import type { SegmentEdge } from './segment-edge.js';
import { prepareWeeks, type WeeklyReport } from './weekly-report.js';

const WIDTH = 900;
const DAY_MS = 86_400_000;
const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/**
 * data/reports/weekly_shadow_report_YYYY-Www.svg: four panels. The champion's paper balance
 * against each shadow book's (same starting balance, same rules), their drawdowns, and the
 * mean net return per decision of every strategy by regime and by symbol. A panel without
 * data says so.
 */
export function buildWeeklyCharts(inputs: ReportInputs, week: IsoWeek, report: WeeklyReport): string {
  const { current: w } = prepareWeeks(inputs, week);
  // Balances are drawn up to where the market clock has got to in the week, not only to the last trade.
  const until = Math.min(w.to, inputs.marketTime ?? w.from);
  const curves: EquityCurve[] = [balanceCurve('champion (paper)', w.trades, w.openingBalance, w.from, until)];
  for (const book of w.books) curves.push(balanceCurve(`${book.name} (${report.shadow_books[book.name]?.role ?? 'shadow'})`, book.trades, book.openingBalance, w.from, until));
  const xTicks = WEEKDAYS.map((name, i) => ({ at: w.from + i * DAY_MS + DAY_MS / 2, label: `${name} ${new Date(w.from + i * DAY_MS).getUTCDate()}` }));
  const common = { x: 20, width: WIDTH - 40, xDomain: [w.from, w.to] as const, xTicks, step: true };
  const panels = [
    lineChart({ ...common, y: 50, height: 280, title: 'Balance: champion (paper account) vs shadow books', yLabel: 'balance', series: curves, noDataText: 'no data: no trade closed in the paper account or a shadow book this week' }),
    lineChart({ ...common, y: 340, height: 220, title: 'Drawdown from running peak (%)', yLabel: 'drawdown %', series: curves.map(drawdownCurve), noDataText: 'no data' }),
    edgeBars(570, 'Edge by regime: mean net return per decision (%)', report.regime_edge_analysis, 'no data: no evaluated decision with a regime this week'),
    edgeBars(830, 'Edge by symbol: mean net return per decision (%)', report.symbol_edge_analysis, 'no data: no evaluated decision this week'),
  ];
  const header = `Weekly shadow report ${report.week} (${report.week_start} to ${report.week_ending})`;
  return svgDocument(WIDTH, 1100, header, [
    text(20, 28, header, { 'font-size': 16, 'font-weight': 'bold' }),
    ...panels,
  ]);
}

function edgeBars(y: number, title: string, segments: Readonly<Record<string, SegmentEdge>>, noData: string): string {
  const strategies = [...new Set(Object.values(segments).flatMap((s) => Object.keys(s.by_strategy)))].sort();
  const groups = Object.entries(segments).map(([label, s]) => ({ label, values: strategies.map((id) => s.by_strategy[id]?.mean_net_return_pct ?? null) }));
  return barChart({ x: 20, y, width: WIDTH - 40, height: 250, title, yLabel: 'net return %', seriesNames: strategies, groups, noDataText: noData });
}
