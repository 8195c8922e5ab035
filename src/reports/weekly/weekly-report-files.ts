import { jsonReportFile, type ReportFile } from '../daily/report-file.js';
import { renderWeeklyMarkdown } from './weekly-markdown.js';
import type { WeeklyReport } from './weekly-report.js';

/** data/reports/weekly_shadow_report_YYYY-Www (SPEC §2), without extension. */
export function weeklyReportBaseName(weekLabel: string): string {
  return `weekly_shadow_report_${weekLabel}`;
}

/** The .json, the .md summary and the .svg charts of one week. */
export function weeklyReportFiles(report: WeeklyReport, svg: string): ReportFile[] {
  const base = weeklyReportBaseName(report.week);
  return [
    jsonReportFile(`${base}.json`, report),
    { name: `${base}.md`, content: renderWeeklyMarkdown(report, `${base}.svg`) },
    { name: `${base}.svg`, content: svg },
  ];
}
