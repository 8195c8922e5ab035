import path from 'node:path';
import { homeStartingBalance, loadHomeConfig } from '../../app/home-config.js';
import { resolveHome } from '../../app/paths.js';
import { ledgerMarketTime, writeDailyReport, writeWeeklyReport } from '../../app/report-sources.js';
import { timeframeToMs } from '../../model/candle.js';
import { UsageError } from '../../model/errors.js';
import type { DailyReport } from '../../reports/daily/daily-report-types.js';
import { isoWeekOf, weeksInIsoYear, type IsoWeek } from '../../reports/weekly/iso-week.js';
import { renderWeeklyMarkdown } from '../../reports/weekly/weekly-markdown.js';
import { COMMON_OPTIONS, parseCommandArgs } from '../args.js';
import { fmt, table } from '../format.js';

export const REPORT_HELP = `Usage: paperlive report daily [--date YYYY-MM-DD] [--home DIR] [--config FILE] [--json]
       paperlive report weekly [--week N] [--year YYYY] [--home DIR] [--config FILE] [--json]

Writes and prints a report (docs/reports.md):
  daily   data/reports/daily_shadow_health_YYYY-MM-DD.json — shadow collection, capital
          preservation, strategy weighting and clamp, TradeGate rejections, HEALTHY/WARNING/CRITICAL.
          Default date: the UTC market day of the ledger's latest market time (today when none).
  weekly  data/reports/weekly_shadow_report_YYYY-Www.json + .md + .svg — counterfactual edge by
          symbol and regime, costs, confidence sweep, drift vs the prior week, BTC turnover.
          --week is the ISO week number (1 … 52 or 53); --year its ISO year. Default: the ISO
          week of the ledger's latest market time.
Missing inputs are reported as "no data", never as numbers. Exit codes: 0, 2 usage.`;

const SHARED = { ...COMMON_OPTIONS, json: { type: 'boolean' }, config: { type: 'string' } } as const;

export async function reportCommand(argv: readonly string[]): Promise<number> {
  const [kind, ...rest] = argv;
  if (kind === undefined || kind === '--help' || kind === '-h') {
    console.log(REPORT_HELP);
    return kind === undefined ? 2 : 0;
  }
  if (kind === 'daily') return daily(rest);
  if (kind === 'weekly') return weekly(rest);
  throw new UsageError(`paperlive report: unknown report "${kind}" (reports: daily, weekly)`);
}

async function daily(argv: readonly string[]): Promise<number> {
  const { values } = parseCommandArgs('report daily', argv, { ...SHARED, date: { type: 'string' } });
  if (values.help) {
    console.log(REPORT_HELP);
    return 0;
  }
  const day = values.date === undefined ? undefined : parseDay(values.date);
  const home = resolveHome(values.home);
  const settings = settingsOf(home, values.config);
  const now = Date.now();
  const written = writeDailyReport(home, day ?? new Date(ledgerMarketTime(home) ?? now).toISOString().slice(0, 10), { ...settings, now });
  console.log(values.json ? JSON.stringify(written.report, null, 2) : renderDaily(written.report, written.files));
  return 0;
}

async function weekly(argv: readonly string[]): Promise<number> {
  const { values } = parseCommandArgs('report weekly', argv, { ...SHARED, week: { type: 'string' }, year: { type: 'string' } });
  if (values.help) {
    console.log(REPORT_HELP);
    return 0;
  }
  const home = resolveHome(values.home);
  const year = values.year === undefined ? undefined : parseYear(values.year);
  const now = Date.now();
  let week: IsoWeek | undefined = values.week === undefined ? undefined : parseWeek(values.week, year ?? isoWeekOf(ledgerMarketTime(home) ?? now).year);
  if (week === undefined && year !== undefined) throw new UsageError('paperlive report weekly: --year needs --week N (the ISO week of that year)');
  week ??= isoWeekOf(ledgerMarketTime(home) ?? now);
  const written = writeWeeklyReport(home, week, { ...settingsOf(home, values.config), now });
  const svg = path.basename(written.files.find((f) => f.endsWith('.svg')) ?? '');
  console.log(values.json ? JSON.stringify(written.report, null, 2) : `${renderWeeklyMarkdown(written.report, svg)}\nWrote ${written.files.join(', ')}`);
  return 0;
}

/** What the reports need from the config a daemon in this home would use (an invalid config stops here, exit 78). */
function settingsOf(home: string, config: string | undefined): { startingBalance: number; timeframeMs: number } {
  const loaded = loadHomeConfig(home, config === undefined ? undefined : path.resolve(config));
  return { startingBalance: homeStartingBalance(home, loaded), timeframeMs: timeframeToMs(loaded.feed.timeframe) };
}

function parseDay(value: string): string {
  const ms = Date.parse(`${value}T00:00:00.000Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value) {
    throw new UsageError(`paperlive report daily: --date "${value}" is not a calendar date of the form YYYY-MM-DD`);
  }
  return value;
}

function parseYear(value: string): number {
  if (!/^\d{4}$/.test(value) || Number(value) < 1970) throw new UsageError(`paperlive report weekly: --year "${value}" is not a four-digit year from 1970`);
  return Number(value);
}

function parseWeek(value: string, year: number): IsoWeek {
  const last = weeksInIsoYear(year);
  const week = Number(value);
  if (!/^\d{1,2}$/.test(value) || week < 1 || week > last) throw new UsageError(`paperlive report weekly: --week "${value}" is not an ISO week of ${year} (1 … ${last})`);
  return { year, week };
}

function renderDaily(r: DailyReport, files: readonly string[]): string {
  const s = r.shadow_collection;
  const g = r.tradegate;
  const w = r.strategy_weighting;
  const reasons = Object.entries(g.rejection_reasons).map(([k, v]) => `${k} ${v}`).join(', ') || '—';
  return [
    `Daily shadow health ${r.date}: ${r.summary.overall_health}${r.market_day_closed || !r.data_sources.ledger ? '' : ' (day not over in market time)'}`,
    table([
      ['shadow decisions', `${s.decisions_today} today, ${s.pending_decisions} pending, ${s.total_all_time} all time${s.note ? ` — ${s.note}` : ''}`],
      ['capital preservation', r.capital_preservation.current_level === null ? (r.capital_preservation.note ?? 'no data') : `${r.capital_preservation.current_level}, ${r.capital_preservation.transitions_today} transition(s) today`],
      ['strategy weighting', w.enabled ? `${w.shifts_today} shift(s), max ${fmt(w.max_shift_observed === null ? null : w.max_shift_observed * 100, 1)} %, clamp ${w.clamp_exceeded ? 'EXCEEDED' : 'ok'}` : (w.note ?? 'no data')],
      ['TradeGate', `${g.rejections_today} of ${g.evaluated} entries rejected (${reasons}); turnover block rate ${g.turnover_block_rate === null ? '—' : `${(g.turnover_block_rate * 100).toFixed(0)} %`} [${g.source}]`],
      ['paper account', `${r.paper_account.trades_today} trades, net ${fmt(r.paper_account.net_pnl)}, fees ${fmt(r.paper_account.fees)}, slippage ${fmt(r.paper_account.slippage)}`],
    ]),
    ...(r.summary.alerts.length > 0 ? ['Alerts:', ...r.summary.alerts.map((a) => `  - ${a}`), 'Recommendations:', ...r.summary.recommendations.map((a) => `  - ${a}`)] : ['Alerts: none']),
    `Wrote ${files.join(', ')}`,
  ].join('\n');
}
