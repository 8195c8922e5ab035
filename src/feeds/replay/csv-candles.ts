import fs from 'node:fs';
import path from 'node:path';
import type { Candle } from '../../model/candle.js';
import { ConfigError } from '../../model/errors.js';

const HEADER = 'timestamp,open,high,low,close,volume';

/** Candles of one symbol in columns, sorted by time, duplicates and disorder removed and counted. */
export interface CandleSeries {
  readonly symbol: string;
  readonly ts: Float64Array;
  readonly open: Float64Array;
  readonly high: Float64Array;
  readonly low: Float64Array;
  readonly close: Float64Array;
  readonly volume: Float64Array;
  readonly length: number;
  readonly integrity: { duplicates: number; outOfOrder: number; gaps: number; missingCandles: number; invalidRows: number };
}

/** `BTC/USDT` on binance at 1m → `BINANCE_BTC-USDT_1m.csv`. */
export function replayFileName(exchange: string, symbol: string, timeframe: string): string {
  return `${exchange.toUpperCase()}_${symbol.replace('/', '-')}_${timeframe}.csv`;
}

export function loadCandleSeries(file: string, symbol: string, timeframeMs: number): CandleSeries {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const dir = path.dirname(file);
    throw new ConfigError(
      code === 'ENOENT'
        ? `replay data ${file} does not exist (expected ${path.basename(file)} in ${dir} for ${symbol})`
        : `replay data ${file} cannot be read: ${(error as Error).message}`,
    );
  }
  const firstNewline = text.indexOf('\n');
  const header = (firstNewline < 0 ? text : text.slice(0, firstNewline)).trim().replace(/^\uFEFF/, '');
  if (header !== HEADER) throw new ConfigError(`replay data ${file}:1 has header "${header}", expected "${HEADER}"`);

  const lines = text.slice(firstNewline + 1).split('\n');
  const ts = new Float64Array(lines.length);
  const open = new Float64Array(lines.length);
  const high = new Float64Array(lines.length);
  const low = new Float64Array(lines.length);
  const close = new Float64Array(lines.length);
  const volume = new Float64Array(lines.length);
  const integrity = { duplicates: 0, outOfOrder: 0, gaps: 0, missingCandles: 0, invalidRows: 0 };
  let n = 0;
  let last = -Infinity;
  for (const line of lines) {
    if (line.length < 11) continue;
    const parts = line.split(',');
    const t = Number(parts[0]);
    const o = Number(parts[1]);
    const h = Number(parts[2]);
    const l = Number(parts[3]);
    const c = Number(parts[4]);
    const v = Number(parts[5]);
    if (parts.length !== 6 || !Number.isFinite(t) || !(o > 0) || !(h >= Math.max(o, c)) || !(l <= Math.min(o, c)) || !(l > 0) || !(v >= 0)) {
      integrity.invalidRows++;
      continue;
    }
    if (t === last) {
      integrity.duplicates++;
      continue;
    }
    if (t < last) {
      integrity.outOfOrder++;
      continue;
    }
    if (n > 0 && t - last > timeframeMs) {
      integrity.gaps++;
      integrity.missingCandles += Math.round((t - last) / timeframeMs) - 1;
    }
    ts[n] = t;
    open[n] = o;
    high[n] = h;
    low[n] = l;
    close[n] = c;
    volume[n] = v;
    last = t;
    n++;
  }
  return {
    symbol,
    ts: ts.subarray(0, n),
    open: open.subarray(0, n),
    high: high.subarray(0, n),
    low: low.subarray(0, n),
    close: close.subarray(0, n),
    volume: volume.subarray(0, n),
    length: n,
    integrity,
  };
}

export function candleAt(series: CandleSeries, index: number, shiftMs: number): Candle {
  return {
    symbol: series.symbol,
    ts: series.ts[index]! + shiftMs,
    open: series.open[index]!,
    high: series.high[index]!,
    low: series.low[index]!,
    close: series.close[index]!,
    volume: series.volume[index]!,
  };
}
