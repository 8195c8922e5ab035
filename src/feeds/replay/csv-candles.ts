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
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const dir = path.dirname(file);
    throw new ConfigError(
      code === 'ENOENT'
        ? `replay data ${file} does not exist (expected ${path.basename(file)} in ${dir} for ${symbol})`
        : `replay data ${file} cannot be read: ${(error as Error).message}`,
    );
  }
  const firstNewline = bytes.indexOf(NL);
  const header = bytes.subarray(0, firstNewline < 0 ? bytes.length : firstNewline).toString('utf8').trim().replace(/^\uFEFF/, '');
  if (header !== HEADER) {
    // Without a line feed the first line is the whole file: name what is wrong, quote no more than a line's worth.
    if (header.includes('\r')) throw new ConfigError(`replay data ${file}:1 has lines that end in a lone CR, expected LF or CRLF line ends`);
    throw new ConfigError(`replay data ${file}:1 has header "${header.length > 100 ? `${header.slice(0, 100)}…` : header}", expected "${HEADER}"`);
  }

  const len = bytes.length;
  // One view type for every file, so the loops below stay monomorphic.
  const view = new Uint8Array(bytes.buffer, bytes.byteOffset, len);
  const bodyStart = firstNewline < 0 ? len : firstNewline + 1;
  const capacity = countLines(bytes, bodyStart);
  const ts = new Float64Array(capacity);
  const open = new Float64Array(capacity);
  const high = new Float64Array(capacity);
  const low = new Float64Array(capacity);
  const close = new Float64Array(capacity);
  const volume = new Float64Array(capacity);
  const integrity = { duplicates: 0, outOfOrder: 0, gaps: 0, missingCandles: 0, invalidRows: 0 };
  const row = new Float64Array(6);
  let n = 0;
  let last = -Infinity;
  let pos = bodyStart;
  while (pos < len) {
    const rowStart = pos;
    // Fast path: six plain decimals (digits, an optional dot and digits) separated by commas.
    let plain = true;
    for (let field = 0; field < 6; field++) {
      let mantissa = 0;
      let i = pos;
      let c = 0;
      while (i < len && (c = view[i]!) >= ZERO && c <= NINE) {
        mantissa = mantissa * 10 + (c - ZERO);
        i++;
      }
      let digits = i - pos;
      let fraction = 0;
      if (i < len && view[i] === DOT) {
        const fractionStart = ++i;
        while (i < len && (c = view[i]!) >= ZERO && c <= NINE) {
          mantissa = mantissa * 10 + (c - ZERO);
          i++;
        }
        fraction = i - fractionStart;
        digits = fraction === 0 ? 0 : digits + fraction;
      }
      // Past 15 digits the mantissa is no longer exact: the slow path decides.
      if (digits === 0 || digits > 15 || (field < 5 && view[i] !== COMMA)) {
        plain = false;
        break;
      }
      // mantissa and 10^k are exact doubles, so one correctly rounded division gives exactly
      // what Number() gives: the double nearest to the decimal.
      row[field] = fraction > 0 ? mantissa / POW10[fraction]! : mantissa;
      pos = field < 5 ? i + 1 : i;
    }
    if (plain) {
      if (pos < len && view[pos] === CR) pos++;
      if (pos < len && view[pos] !== NL) plain = false;
      else pos++;
    }
    if (!plain) {
      // Anything else (exponents, signs, blanks, too many or too few fields): the whole row through Number().
      let end = view.indexOf(NL, rowStart);
      if (end < 0) end = len;
      const fields = parseRow(view, rowStart, end, row);
      pos = end + 1;
      if (fields === 0) continue; // blank line
      if (fields !== 6) {
        integrity.invalidRows++;
        continue;
      }
    }
    const t = row[0]!;
    const o = row[1]!;
    const h = row[2]!;
    const l = row[3]!;
    const c = row[4]!;
    const v = row[5]!;
    if (!Number.isFinite(t) || !(o > 0) || !(h >= o && h >= c && h < Infinity) || !(l <= o && l <= c) || !(l > 0) || !(v >= 0 && v < Infinity)) {
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

function countLines(bytes: Uint8Array, from: number): number {
  let count = 1;
  for (let i = bytes.indexOf(NL, from); i >= 0; i = bytes.indexOf(NL, i + 1)) count++;
  return count;
}

const NL = 10;
const CR = 13;
const COMMA = 44;
const DOT = 46;
const ZERO = 48;
const NINE = 57;

/**
 * The slow path: parses one CSV row of numbers into `out`; returns the number of fields (0 for
 * a blank line). Plain decimals are read digit by digit, exactly; anything else (exponents,
 * signs, spaces, garbage) goes through Number(), so a malformed field is NaN and the caller
 * rejects the row.
 */
function parseRow(bytes: Uint8Array, start: number, end: number, out: Float64Array): number {
  if (end > start && bytes[end - 1] === CR) end--;
  if (end <= start) return 0;
  let field = 0;
  let fieldStart = start;
  for (let i = start; i <= end; i++) {
    if (i < end && bytes[i] !== COMMA) continue;
    if (field < 6) out[field] = parseDecimal(bytes, fieldStart, i);
    field++;
    fieldStart = i + 1;
  }
  return field;
}

function parseDecimal(bytes: Uint8Array, start: number, end: number): number {
  let mantissa = 0;
  let digits = 0;
  let fraction = -1;
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c === DOT && fraction < 0) {
      fraction = 0;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9) return slowNumber(bytes, start, end);
    mantissa = mantissa * 10 + d;
    digits++;
    if (fraction >= 0) fraction++;
  }
  // Past 15 digits the mantissa is no longer exact; an empty field or a lone dot is not a number.
  if (digits === 0 || digits > 15 || fraction === 0) return slowNumber(bytes, start, end);
  // mantissa and 10^k are exact doubles, so one correctly rounded division gives exactly what
  // Number() gives: the double nearest to the decimal.
  return fraction > 0 ? mantissa / POW10[fraction]! : mantissa;
}

function slowNumber(bytes: Uint8Array, start: number, end: number): number {
  if (start === end) return NaN;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8').trim();
  return text === '' ? NaN : Number(text);
}

const POW10 = Array.from({ length: 16 }, (_, k) => 10 ** k);
