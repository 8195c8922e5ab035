import fs from 'node:fs';
import path from 'node:path';
import { replayFileName } from '../../feeds/replay/csv-candles.js';
import { ConfigError } from '../../model/errors.js';

export interface DataSpan {
  /** Open time of the earliest first candle across the files (ms). */
  readonly start: number;
  /** Open time of the latest last candle (ms). */
  readonly end: number;
  readonly files: readonly string[];
}

/**
 * The time span of the recorded candles a backtest of these symbols would read, from the first
 * and last line of each file only (the files are sorted; csv-candles.ts validates them fully
 * when the backtest loads them).
 */
export function dataSpan(dataDir: string, exchange: string, symbols: readonly string[], timeframe: string): DataSpan {
  let start = Infinity;
  let end = -Infinity;
  const files: string[] = [];
  for (const symbol of symbols) {
    const file = path.resolve(dataDir, replayFileName(exchange, symbol, timeframe));
    const { first, last } = firstAndLastTimestamp(file, symbol);
    start = Math.min(start, first);
    end = Math.max(end, last);
    files.push(file);
  }
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new ConfigError(`no candles in ${dataDir} for ${symbols.join(', ')} at ${timeframe}`);
  return { start, end, files };
}

function firstAndLastTimestamp(file: string, symbol: string): { first: number; last: number } {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    throw new ConfigError(`replay data ${file} does not exist (expected ${path.basename(file)} in ${path.dirname(file)} for ${symbol})`);
  }
  try {
    const size = fs.fstatSync(fd).size;
    const head = Buffer.alloc(Math.min(size, 4096));
    fs.readSync(fd, head, 0, head.length, 0);
    const tail = Buffer.alloc(Math.min(size, 4096));
    fs.readSync(fd, tail, 0, tail.length, size - tail.length);
    const dataLines = (text: string) => text.split(/\r?\n/).filter((line) => /^\d+,/.test(line));
    const first = Number(dataLines(head.toString('utf8'))[0]?.split(',')[0]);
    const last = Number(dataLines(tail.toString('utf8')).at(-1)?.split(',')[0]);
    if (!Number.isFinite(first) || !Number.isFinite(last)) throw new ConfigError(`replay data ${file} has no candle rows`);
    return { first, last };
  } finally {
    fs.closeSync(fd);
  }
}
