import { legend } from './line-chart.js';
import { CHART_PAD, colour, el, niceTicks, noDataPanel, text, tickLabel, type ChartFrame } from './svg.js';

export interface BarGroup {
  readonly label: string;
  /** One value per series; null draws no bar. */
  readonly values: ReadonlyArray<number | null>;
}

export interface BarChartOptions extends ChartFrame {
  readonly seriesNames: readonly string[];
  readonly groups: readonly BarGroup[];
}

/** Grouped bars around a zero line (negative values hang below it), as an SVG <g>. */
export function barChart(o: BarChartOptions): string {
  const values = o.groups.flatMap((g) => g.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  if (values.length === 0) return noDataPanel(o.x, o.y, o.width, o.height, o.title, o.noDataText);
  let yMin = Math.min(0, values.reduce((a, b) => Math.min(a, b)));
  let yMax = Math.max(0, values.reduce((a, b) => Math.max(a, b)));
  if (yMax - yMin < 1e-12) yMax = yMin + 1;
  const margin = (yMax - yMin) * 0.08;
  yMin = yMin < 0 ? yMin - margin : yMin;
  yMax += margin;
  const left = o.x + CHART_PAD.left;
  const top = o.y + CHART_PAD.top;
  const w = o.width - CHART_PAD.left - CHART_PAD.right;
  const h = o.height - CHART_PAD.top - CHART_PAD.bottom;
  const sy = (v: number) => top + h - ((v - yMin) / (yMax - yMin)) * h;
  const groupWidth = w / o.groups.length;
  const barWidth = (groupWidth * 0.8) / Math.max(1, o.seriesNames.length);

  const parts: string[] = [text(o.x, o.y + 14, o.title, { 'font-size': 13, 'font-weight': 'bold' })];
  for (const tick of niceTicks(yMin, yMax)) {
    parts.push(el('line', { x1: left, x2: left + w, y1: sy(tick), y2: sy(tick), stroke: '#e5e5e5' }));
    parts.push(text(left - 6, sy(tick) + 4, tickLabel(tick), { 'text-anchor': 'end', fill: '#444444' }));
  }
  o.groups.forEach((group, gi) => {
    const gx = left + gi * groupWidth + groupWidth * 0.1;
    group.values.forEach((v, si) => {
      if (v === null || !Number.isFinite(v)) return;
      const y0 = sy(0);
      const y1 = sy(v);
      parts.push(el('rect', { x: gx + si * barWidth, y: Math.min(y0, y1), width: barWidth * 0.9, height: Math.max(0.5, Math.abs(y1 - y0)), fill: colour(si), 'data-series': o.seriesNames[si] ?? '', 'data-value': v }));
    });
    parts.push(text(left + gi * groupWidth + groupWidth / 2, top + h + 14, group.label, { 'text-anchor': 'middle', fill: '#444444' }));
  });
  parts.push(el('line', { x1: left, x2: left + w, y1: sy(0), y2: sy(0), stroke: '#333333' }));
  parts.push(el('rect', { x: left, y: top, width: w, height: h, fill: 'none', stroke: '#999999' }));
  parts.push(text(o.x + 12, top + h / 2, o.yLabel, { transform: `rotate(-90 ${o.x + 12} ${top + h / 2})`, 'text-anchor': 'middle', fill: '#444444' }));
  parts.push(legend(left, top + h + 28, o.seriesNames, w));
  return el('g', { class: 'panel bar-chart' }, parts);
}
