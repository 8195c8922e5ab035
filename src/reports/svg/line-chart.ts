import { CHART_PAD, colour, el, n, niceTicks, noDataPanel, text, tickLabel, type ChartFrame } from './svg.js';

export interface LineSeries {
  readonly name: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
}

export interface LineChartOptions extends ChartFrame {
  readonly series: readonly LineSeries[];
  /** The x range drawn (e.g. the whole week), whatever the points cover. */
  readonly xDomain: readonly [number, number];
  readonly xTicks: ReadonlyArray<{ readonly at: number; readonly label: string }>;
  /** Draw each series as steps (a balance changes at events, it does not slide). */
  readonly step?: boolean;
}

/** A line chart panel as an SVG <g>: axes with round ticks, one polyline per series, a legend. */
export function lineChart(o: LineChartOptions): string {
  const drawn = o.series.filter((s) => s.points.length > 0);
  if (drawn.every((s) => s.points.length < 2)) return noDataPanel(o.x, o.y, o.width, o.height, o.title, o.noDataText);
  const ys = drawn.flatMap((s) => s.points.map(([, v]) => v));
  let yMin = ys.reduce((a, b) => Math.min(a, b));
  let yMax = ys.reduce((a, b) => Math.max(a, b));
  if (yMax - yMin < 1e-9) {
    yMin -= 1;
    yMax += 1;
  }
  const margin = (yMax - yMin) * 0.05;
  yMin -= margin;
  yMax += margin;
  const [x0, x1] = o.xDomain;
  const left = o.x + CHART_PAD.left;
  const top = o.y + CHART_PAD.top;
  const w = o.width - CHART_PAD.left - CHART_PAD.right;
  const h = o.height - CHART_PAD.top - CHART_PAD.bottom;
  const sx = (v: number) => left + ((v - x0) / Math.max(1, x1 - x0)) * w;
  const sy = (v: number) => top + h - ((v - yMin) / (yMax - yMin)) * h;

  const parts: string[] = [text(o.x, o.y + 14, o.title, { 'font-size': 13, 'font-weight': 'bold' })];
  for (const tick of niceTicks(yMin, yMax)) {
    parts.push(el('line', { x1: left, x2: left + w, y1: sy(tick), y2: sy(tick), stroke: '#e5e5e5' }));
    parts.push(text(left - 6, sy(tick) + 4, tickLabel(tick), { 'text-anchor': 'end', fill: '#444444' }));
  }
  for (const tick of o.xTicks) {
    parts.push(el('line', { x1: sx(tick.at), x2: sx(tick.at), y1: top, y2: top + h, stroke: '#f0f0f0' }));
    parts.push(text(sx(tick.at), top + h + 14, tick.label, { 'text-anchor': 'middle', fill: '#444444' }));
  }
  parts.push(el('rect', { x: left, y: top, width: w, height: h, fill: 'none', stroke: '#999999' }));
  parts.push(text(o.x + 12, top + h / 2, o.yLabel, { transform: `rotate(-90 ${n(o.x + 12)} ${n(top + h / 2)})`, 'text-anchor': 'middle', fill: '#444444' }));
  o.series.forEach((s, i) => {
    if (s.points.length === 0) return;
    const coords: string[] = [];
    s.points.forEach(([t, v], j) => {
      const prev = s.points[j - 1];
      if (o.step && prev) coords.push(`${n(sx(t))},${n(sy(prev[1]))}`);
      coords.push(`${n(sx(t))},${n(sy(v))}`);
    });
    parts.push(el('polyline', { points: coords.join(' '), fill: 'none', stroke: colour(i), 'stroke-width': 1.5, 'data-series': s.name }));
  });
  parts.push(legend(left, top + h + 28, o.series.map((s) => s.name), w));
  return el('g', { class: 'panel line-chart' }, parts);
}

/** Coloured swatches with names, wrapping onto a new row at `width` (widths estimated: no font metrics here). */
export function legend(x: number, y: number, names: readonly string[], width: number): string {
  let cursor = x;
  let row = y;
  const items: string[] = [];
  names.forEach((name, i) => {
    const itemWidth = 24 + name.length * 6;
    if (cursor > x && cursor + itemWidth > x + width) {
      cursor = x;
      row += 13;
    }
    items.push(el('rect', { x: cursor, y: row - 8, width: 10, height: 10, fill: colour(i) }));
    items.push(text(cursor + 14, row + 1, name));
    cursor += itemWidth;
  });
  return el('g', { class: 'legend' }, items);
}
