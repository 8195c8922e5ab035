import type { DailyReport } from './daily-report-types.js';
import { jsonReportFile, type ReportFile } from './report-file.js';

/** data/reports/daily_shadow_health_YYYY-MM-DD.json (SPEC §2). */
export function dailyReportFileName(day: string): string {
  return `daily_shadow_health_${day}.json`;
}

export function dailyReportFiles(report: DailyReport): ReportFile[] {
  return [jsonReportFile(dailyReportFileName(report.date), report)];
}
