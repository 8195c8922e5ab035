import fs from 'node:fs';
import path from 'node:path';
import type { DailyReportSummary } from './readiness-input.js';
import type { WeeklyEvidence } from './promotion-gates.js';

const DAILY = /^daily_shadow_health_(\d{4}-\d{2}-\d{2})\.json$/;
const WEEKLY = /^weekly_shadow_report_(\d{4}-W\d{2})\.json$/;

type Json = Record<string, unknown>;

/** Daily health reports written since `since` (wall ms), plus the last written whatever its age; by report date. */
export function readDailyReports(reportsDir: string, since: number): DailyReportSummary[] {
  const files = listReports(reportsDir, DAILY).sort((a, b) => (a.key < b.key ? -1 : 1));
  const lastWritten = files.reduce<(typeof files)[number] | undefined>((last, f) => (last === undefined || f.mtime > last.mtime ? f : last), undefined);
  return files
    .filter((f) => f.mtime >= since || f === lastWritten)
    .map((f) => {
      const doc = readJson(f.file);
      const summary = obj(doc?.summary);
      return { date: f.key, modified_at: f.mtime, overall_health: str(summary?.overall_health), critical_alerts: criticalAlerts(summary) };
    });
}

/**
 * Weekly shadow reports, oldest first. Read leniently: each figure is taken from the first of
 * its known places (docs/readiness.md lists them) and is null when none has it.
 */
export function readWeeklyEvidence(reportsDir: string): WeeklyEvidence[] {
  return listReports(reportsDir, WEEKLY)
    .sort((a, b) => (a.key < b.key ? -1 : 1))
    .map((f) => {
      const doc = readJson(f.file) ?? {};
      const cf = obj(doc.counterfactual_evaluation);
      const shadow = obj(cf?.shadow);
      const btc = obj(doc.btc_diagnosis);
      return {
        week: f.key,
        edge_positive: bool(obj(doc.summary)?.overall_edge_positive) ?? bool(shadow?.edge_positive),
        delta_pnl: num(shadow?.delta_pnl) ?? num(cf?.delta_pnl),
        hit_rate: num(shadow?.hit_rate) ?? num(cf?.hit_rate),
        incremental_sharpe: num(cf?.incremental_sharpe),
        max_drawdown_pct: num(cf?.shadow_max_drawdown_pct) ?? num(cf?.max_drawdown_pct),
        btc_mitigated: bool(btc?.mitigation_validated) ?? bool(btc?.improving) ?? bool(btc?.improved),
        decisions: num(cf?.evaluated) ?? num(obj(doc.data_collection)?.total_decisions),
      };
    });
}

/** CRITICAL alerts of a report: its alert_details at level CRITICAL, else every alert of a CRITICAL report (at least one). */
function criticalAlerts(summary: Json | undefined): number {
  if (!summary) return 0;
  const details = summary.alert_details;
  if (Array.isArray(details)) return details.filter((d) => /critical/i.test(String(obj(d)?.level ?? obj(d)?.severity ?? ''))).length;
  if (str(summary.overall_health) !== 'CRITICAL') return 0;
  return Math.max(1, Array.isArray(summary.alerts) ? summary.alerts.length : 0);
}

function listReports(dir: string, pattern: RegExp): Array<{ file: string; key: string; mtime: number }> {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const found: Array<{ file: string; key: string; mtime: number }> = [];
  for (const name of names) {
    const match = pattern.exec(name);
    if (!match) continue;
    const file = path.join(dir, name);
    try {
      found.push({ file, key: match[1]!, mtime: fs.statSync(file).mtimeMs });
    } catch {
      // removed between readdir and stat
    }
  }
  return found;
}

function readJson(file: string): Json | undefined {
  try {
    return obj(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch {
    return undefined;
  }
}

const obj = (v: unknown): Json | undefined => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : undefined);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const bool = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);
