/** Hand-written SVG: a few string helpers, no library. Every text goes through `escapeXml`. */

export type Attrs = Readonly<Record<string, string | number | null | undefined>>;

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** A coordinate or length: two decimals, never NaN in the file. */
export function n(value: number): string {
  if (!Number.isFinite(value)) return '0';
  const rounded = Math.round(value * 100) / 100;
  return Object.is(rounded, -0) ? '0' : String(rounded);
}

/** An element; attributes with a null or undefined value are left out; no children → self-closing. */
export function el(name: string, attrs: Attrs = {}, children: string | readonly string[] = []): string {
  const list = Object.entries(attrs)
    .filter((entry): entry is [string, string | number] => entry[1] !== null && entry[1] !== undefined)
    .map(([k, v]) => ` ${k}="${typeof v === 'number' ? n(v) : escapeXml(v)}"`)
    .join('');
  const body = typeof children === 'string' ? children : children.join('');
  return body.length === 0 ? `<${name}${list}/>` : `<${name}${list}>${body}</${name}>`;
}

export function text(x: number, y: number, content: string, attrs: Attrs = {}): string {
  return el('text', { x, y, ...attrs }, escapeXml(content));
}

export function svgDocument(width: number, height: number, title: string, children: readonly string[]): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${el(
    'svg',
    { xmlns: 'http://www.w3.org/2000/svg', width, height, viewBox: `0 0 ${n(width)} ${n(height)}`, 'font-family': 'sans-serif', 'font-size': 11 },
    [el('title', {}, escapeXml(title)), el('rect', { x: 0, y: 0, width, height, fill: '#ffffff' }), ...children],
  )}\n`;
}

/** Colour-blind-safe (Okabe–Ito); the first is the champion's. */
export const PALETTE: readonly string[] = ['#000000', '#E69F00', '#56B4E9', '#009E73', '#D55E00', '#0072B2', '#CC79A7', '#F0E442'];

export function colour(index: number): string {
  return PALETTE[index % PALETTE.length] ?? '#000000';
}

/** About `count` round tick values covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max - min < 1e-12) return [min];
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const r = raw / magnitude;
  const step = (r < 1.5 ? 1 : r < 3 ? 2 : r < 7 ? 5 : 10) * magnitude;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Math.round(v / step) * step);
  return ticks;
}

/** A tick label: short and without float noise. */
export function tickLabel(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1_000) return `${trimZeros((value / 1000).toFixed(2))}k`;
  if (abs >= 100 || value === 0) return value.toFixed(0);
  if (abs >= 1) return trimZeros(value.toFixed(abs >= 10 ? 1 : 2));
  return trimZeros(value.toPrecision(2));
}

function trimZeros(fixed: string): string {
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** The panel frame every chart shares: title, and a "no data" line when there is nothing to draw. */
export function noDataPanel(x: number, y: number, width: number, height: number, title: string, why: string): string {
  return el('g', { class: 'panel no-data' }, [
    text(x, y + 14, title, { 'font-size': 13, 'font-weight': 'bold' }),
    el('rect', { x, y: y + 22, width, height: height - 22, fill: 'none', stroke: '#cccccc' }),
    text(x + width / 2, y + 22 + (height - 22) / 2, why, { 'text-anchor': 'middle', fill: '#666666', 'font-size': 13 }),
  ]);
}

/** Where a chart sits in its document, its title and its axis label: what every chart takes. */
export interface ChartFrame {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly title: string;
  readonly yLabel: string;
  /** Shown instead of the plot when there is nothing to draw. */
  readonly noDataText: string;
}

/** Room around a chart's plot: axis labels left, x labels and two rows of legend below. */
export const CHART_PAD = { left: 56, right: 12, top: 30, bottom: 48 } as const;
