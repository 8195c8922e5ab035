import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { readJsonFile, writeFileAtomic } from '../io/atomic-write.js';
import { readJsonl } from '../io/jsonl.js';
import type { TradeRecord } from '../model/position.js';
import { buildDailyReport } from '../reports/daily/daily-report.js';
import { dailyReportFileName, dailyReportFiles } from '../reports/daily/daily-report-files.js';
import type { DailyReport } from '../reports/daily/daily-report-types.js';
import type { ReportFile } from '../reports/daily/report-file.js';
import type { ControlEventLine, DailyEquityRow, GateDayCounts, ReportInputs } from '../reports/daily/report-inputs.js';
import { collectShadowLog, type TimeWindow } from '../reports/daily/shadow-log.js';
import { toCapitalFile, toSignalLine, toWeightsFile } from '../reports/daily/source-records.js';
import { ISO_WEEK_MS, isoWeekLabel, isoWeekOf, isoWeekStart, previousIsoWeek, type IsoWeek } from '../reports/weekly/iso-week.js';
import { buildWeeklyCharts } from '../reports/weekly/weekly-charts.js';
import { buildWeeklyReport, type WeeklyReport } from '../reports/weekly/weekly-report.js';
import { weeklyReportBaseName, weeklyReportFiles } from '../reports/weekly/weekly-report-files.js';
import { homePaths } from './paths.js';

/*
 * The reports' side of a home: gathers their inputs read-only (the ledger through its own
 * read-only connection, safe beside a running daemon; JSONL logs through readJsonl, which skips
 * and reports torn lines; the JSON state files), builds them with the pure builders of
 * src/reports and writes every file atomically into data/reports/. Also the daemon's schedule.
 */

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export interface GatherOptions {
  /** Decisions and signals outside [from, to) are not kept (they are still counted where a report needs it). */
  readonly window: TimeWindow;
  readonly startingBalance: number;
  /** Wall time (ms) stamped on the report. */
  readonly now: number;
  /** The feed's candle length: a candle's period has ended this long after its open time. Default 1 minute. */
  readonly timeframeMs?: number;
}

export function gatherReportInputs(home: string, options: GatherOptions): ReportInputs {
  const paths = homePaths(home);
  const issues: string[] = [];
  const ledger = readReportLedger(paths.ledger);
  const signalsRead = readJsonl<unknown>(paths.signals);
  if (signalsRead.skipped.length > 0) issues.push(skippedLines('logs/signals.jsonl', signalsRead.skipped));
  const signals = signalsRead.records.flatMap((r) => toSignalLine(r) ?? []).filter((s) => s.market_time >= options.window.from && s.market_time < options.window.to);
  const shadowRead = readJsonl<unknown>(paths.shadowDecisions);
  if (shadowRead.skipped.length > 0) issues.push(skippedLines('data/rl/shadow_decisions.jsonl', shadowRead.skipped));
  const shadow = collectShadowLog(shadowRead.records, options.window);
  if (shadow.invalidLines > 0) issues.push(`data/rl/shadow_decisions.jsonl: ${shadow.invalidLines} line(s) are neither a decision nor an outcome of SPEC §7`);
  const weights = readStateFile(paths.strategyWeights, 'data/rl/strategy_weights.json', toWeightsFile, issues);
  const capital = readStateFile(paths.capitalPreservation, 'data/capital_preservation_state.json', toCapitalFile, issues);
  // The ledger keeps the open time of the last candle processed; the market clock is at its close.
  const lastOpen = ledger?.marketTime ?? null;
  return {
    generatedAt: new Date(options.now).toISOString(),
    marketTime: lastOpen === null ? null : lastOpen + (options.timeframeMs ?? 60_000),
    startingBalance: options.startingBalance,
    trades: ledger?.trades ?? [],
    dailyEquity: ledger?.dailyEquity ?? [],
    gateStats: ledger?.gateStats ?? {},
    controlEvents: ledger?.controlEvents ?? [],
    signals,
    shadow,
    shadowBooks: ledger?.shadowBooks ?? {},
    weights: weights ?? null,
    capitalPreservation: capital ?? null,
    present: {
      ledger: ledger !== null,
      signals: fs.existsSync(paths.signals),
      shadow: fs.existsSync(paths.shadowDecisions),
      weights: weights !== undefined,
      capitalPreservation: capital !== undefined,
    },
    issues,
  };
}

/** Market time (ms) the ledger last recorded, or null when no daemon has run in this home. */
export function ledgerMarketTime(home: string): number | null {
  return readReportLedger(homePaths(home).ledger)?.marketTime ?? null;
}

export interface WrittenReport<R> {
  readonly report: R;
  /** Absolute paths, in the order written. */
  readonly files: readonly string[];
}

export interface ReportOptions {
  readonly startingBalance: number;
  /** Wall time (ms); the report's `timestamp`. */
  readonly now: number;
  /** The feed's candle length (config feed.timeframe); default 1 minute. */
  readonly timeframeMs?: number;
}

export function writeDailyReport(home: string, day: string, options: ReportOptions): WrittenReport<DailyReport> {
  return writeDaily(home, dailyInputs(home, day, options), day);
}

export function writeWeeklyReport(home: string, week: IsoWeek, options: ReportOptions): WrittenReport<WeeklyReport> {
  return writeWeekly(home, weeklyInputs(home, week, options), week);
}

function dailyInputs(home: string, day: string, options: ReportOptions): ReportInputs {
  const from = Date.parse(`${day}T00:00:00.000Z`);
  return gatherReportInputs(home, { ...options, window: { from, to: from + DAY_MS } });
}

/** The week before is read too: drift and the BTC trend compare with it. */
function weeklyInputs(home: string, week: IsoWeek, options: ReportOptions): ReportInputs {
  return gatherReportInputs(home, { ...options, window: { from: isoWeekStart(previousIsoWeek(week)), to: isoWeekStart(week) + ISO_WEEK_MS } });
}

function writeDaily(home: string, inputs: ReportInputs, day: string): WrittenReport<DailyReport> {
  const report = buildDailyReport(inputs, day);
  return { report, files: writeReportFiles(home, dailyReportFiles(report)) };
}

function writeWeekly(home: string, inputs: ReportInputs, week: IsoWeek): WrittenReport<WeeklyReport> {
  const report = buildWeeklyReport(inputs, week);
  return { report, files: writeReportFiles(home, weeklyReportFiles(report, buildWeeklyCharts(inputs, week, report))) };
}

function writeReportFiles(home: string, files: readonly ReportFile[]): string[] {
  const dir = homePaths(home).reportsDir;
  fs.mkdirSync(dir, { recursive: true });
  return files.map((f) => {
    const target = path.join(dir, f.name);
    writeFileAtomic(target, f.content);
    return target;
  });
}

export interface ReportScheduleOptions {
  readonly home: string;
  readonly startingBalance: number;
  readonly timeframeMs?: number;
  /** Market-time hour (UTC) of the next day at which a day's report is written; 0 = at the day roll. */
  readonly hourUtc?: number;
  /** Also write the weekly report when an ISO week rolls (at the same hour of its Monday). */
  readonly weekly?: boolean;
  readonly now: () => number;
  /** Makes the day's last counts durable (the engine's checkpoint) before they are read. */
  readonly flush?: () => void;
  /**
   * Runs a due report. Default: here and now, returning the files written. The daemon hands it
   * to a worker thread instead (returning nothing), so reading the logs never stalls trading.
   */
  readonly execute?: (task: ReportTask) => readonly string[] | void;
}

export interface ReportSchedule {
  /**
   * Call after each processed batch with its market time. O(1) until a report comes due,
   * then gathers, builds and writes it; returns the files written (empty most of the time).
   * A day before this session's first candle with no data at all is skipped, so a replay does
   * not leave an empty report for the day before its start. Throws what writing throws: the
   * caller logs it and trades on.
   */
  onMarketTime(marketTime: number): string[];
}

/**
 * The daemon's report clock: the daily report of day D once market time reaches D+1 at
 * `hourUtc`, the weekly report of week W once it reaches W's following Monday at that hour.
 * Each is written once per session; a report file already there from an earlier session is
 * left alone.
 */
export function createReportSchedule(options: ReportScheduleOptions): ReportSchedule {
  const offset = (options.hourUtc ?? 0) * HOUR_MS;
  if (!(Number.isInteger(options.hourUtc ?? 0) && offset >= 0 && offset < DAY_MS)) throw new RangeError(`report hour must be a whole hour 0 … 23, got ${options.hourUtc}`);
  const reportsDir = homePaths(options.home).reportsDir;
  let sessionStart: number | null = null;
  let lastDue: number | null = null;
  let lastWeek: string | null = null;
  const reportOptions = (): ReportOptions => ({ startingBalance: options.startingBalance, now: options.now(), timeframeMs: options.timeframeMs });

  const execute = options.execute ?? ((task: ReportTask) => runReportTask(options.home, task, reportOptions()));

  return {
    onMarketTime(marketTime) {
      sessionStart ??= marketTime;
      const from = dayStart(marketTime - offset) - DAY_MS;
      // Only arithmetic per batch: dates are formatted once a day.
      if (from === lastDue) return [];
      lastDue = from;
      const written: string[] = [];
      const day = new Date(from).toISOString().slice(0, 10);
      if (!fs.existsSync(path.join(reportsDir, dailyReportFileName(day)))) {
        options.flush?.();
        written.push(...(execute({ kind: 'daily', day, sessionStart }) ?? []));
      }
      if (options.weekly !== false) {
        const week = previousIsoWeek(isoWeekOf(marketTime - offset));
        const label = isoWeekLabel(week);
        if (label !== lastWeek) {
          lastWeek = label;
          if (!fs.existsSync(path.join(reportsDir, `${weeklyReportBaseName(label)}.json`))) {
            options.flush?.();
            written.push(...(execute({ kind: 'weekly', week, sessionStart }) ?? []));
          }
        }
      }
      return written;
    },
  };
}

/** One report the schedule found due: what a worker thread needs to build and write it. */
export type ReportTask =
  | { readonly kind: 'daily'; readonly day: string; readonly sessionStart: number | null }
  | { readonly kind: 'weekly'; readonly week: IsoWeek; readonly sessionStart: number | null };

/**
 * Gathers, builds and writes one report; returns the files written. A period this session
 * lived through gets a report even when empty ("no data" is the finding); one that ended
 * before it only when it has data.
 */
export function runReportTask(home: string, task: ReportTask, options: ReportOptions): readonly string[] {
  const worthWriting = (inputs: ReportInputs, from: number, to: number) => to > (task.sessionStart ?? -Infinity) || hasDataIn(inputs, from, to);
  if (task.kind === 'daily') {
    const from = Date.parse(`${task.day}T00:00:00.000Z`);
    const inputs = dailyInputs(home, task.day, options);
    return worthWriting(inputs, from, from + DAY_MS) ? writeDaily(home, inputs, task.day).files : [];
  }
  const inputs = weeklyInputs(home, task.week, options);
  const weekFrom = isoWeekStart(task.week);
  return worthWriting(inputs, weekFrom, weekFrom + ISO_WEEK_MS) ? writeWeekly(home, inputs, task.week).files : [];
}

function hasDataIn(inputs: ReportInputs, from: number, to: number): boolean {
  const inside = (ms: number) => ms >= from && ms < to;
  const fromDay = new Date(from).toISOString().slice(0, 10);
  const toDay = new Date(to).toISOString().slice(0, 10);
  return (
    inputs.signals.some((s) => inside(s.market_time)) ||
    inputs.shadow.decisions.some((d) => inside(d.market_time)) ||
    Object.keys(inputs.gateStats).some((day) => day >= fromDay && day < toDay) ||
    inputs.trades.some((t) => inside(Date.parse(t.closed_at))) ||
    inputs.dailyEquity.some((r) => r.day >= fromDay && r.day < toDay)
  );
}

function dayStart(ms: number): number {
  return ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
}

interface LedgerRead {
  readonly marketTime: number | null;
  readonly trades: TradeRecord[];
  readonly dailyEquity: DailyEquityRow[];
  readonly gateStats: Record<string, GateDayCounts>;
  readonly controlEvents: ControlEventLine[];
  readonly shadowBooks: Record<string, TradeRecord[]>;
}

/** The ledger's report tables, read-only; null when there is no ledger. Tables a version of it lacks read as empty. */
function readReportLedger(file: string): LedgerRead | null {
  if (!fs.existsSync(file)) return null;
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const tables = new Set((db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>).map((r) => r.name));
    const rows = <T>(table: string, sql: string): T[] => (tables.has(table) ? (db.prepare(sql).all() as T[]) : []);
    const settings = rows<{ key: string; value: string }>('settings', "SELECT key, value FROM settings WHERE key = 'engine.last_market_time' OR key LIKE 'gate.stats.%'");
    const gateStats: Record<string, GateDayCounts> = {};
    let marketTime: number | null = null;
    for (const { key, value } of settings) {
      const parsed = parseJson(value);
      if (key === 'engine.last_market_time') marketTime = typeof parsed === 'number' && Number.isFinite(parsed) ? parsed : null;
      else if (isGateDay(parsed)) gateStats[key.slice('gate.stats.'.length)] = parsed;
    }
    const shadowBooks: Record<string, TradeRecord[]> = {};
    for (const row of rows<{ book: string; body: string }>('shadow_trades', 'SELECT book, body FROM shadow_trades ORDER BY closed_at, id')) {
      (shadowBooks[row.book] ??= []).push(JSON.parse(row.body) as TradeRecord);
    }
    return {
      marketTime,
      trades: rows<{ body: string }>('trades', 'SELECT body FROM trades ORDER BY closed_at, id').map((r) => JSON.parse(r.body) as TradeRecord),
      dailyEquity: rows<DailyEquityRow>('daily_equity', 'SELECT day, equity, balance FROM daily_equity ORDER BY day'),
      gateStats,
      controlEvents: rows<ControlEventLine>('control_events', 'SELECT at, file, result, reason FROM control_events ORDER BY id'),
      shadowBooks,
    };
  } finally {
    db.close();
  }
}

function isGateDay(value: unknown): value is GateDayCounts {
  const v = value as Partial<GateDayCounts> | null;
  return typeof v === 'object' && v !== null && typeof v.evaluated === 'number' && typeof v.rejected === 'number' && typeof v.rejection_reasons === 'object';
}

/** A JSON state file through `parse`; undefined when missing, null (and an issue) when unreadable. */
function readStateFile<T>(file: string, name: string, parse: (doc: unknown) => T | null, issues: string[]): T | null | undefined {
  let doc: unknown;
  try {
    doc = readJsonFile<unknown>(file);
  } catch (error) {
    issues.push(`${name} could not be read (${(error as Error).message})`);
    return null;
  }
  if (doc === undefined) return undefined;
  const parsed = parse(doc);
  if (parsed === null) issues.push(`${name} is not a JSON object`);
  return parsed;
}

function skippedLines(name: string, lines: readonly number[]): string {
  return `${name}: skipped ${lines.length} line(s) that do not parse (line ${lines.slice(0, 5).join(', ')}${lines.length > 5 ? ', …' : ''})`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
