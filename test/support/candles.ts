import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Candle } from '../../src/model/candle.js';

const REPLAY_DIR = fileURLToPath(new URL('../../data/replay/', import.meta.url));

/** Reads a recorded replay CSV (`BINANCE_BTC-USDT_5m.csv`) as candles for `BTC/USDT`, optionally only the first `limit`. */
export function loadReplayCandles(base: 'BTC' | 'ETH' | 'SOL', timeframe: '1m' | '5m', limit = Infinity): Candle[] {
  const symbol = `${base}/USDT`;
  const lines = fs.readFileSync(`${REPLAY_DIR}BINANCE_${base}-USDT_${timeframe}.csv`, 'utf8').trim().split('\n');
  if (lines[0] !== 'timestamp,open,high,low,close,volume') throw new Error(`unexpected header in ${base} ${timeframe}: ${lines[0]}`);
  return lines.slice(1, Number.isFinite(limit) ? limit + 1 : undefined).map((line) => {
    const [ts, open, high, low, close, volume] = line.split(',').map(Number);
    return { symbol, ts: ts!, open: open!, high: high!, low: low!, close: close!, volume: volume! };
  });
}

/** Builds candles from closes for hand-made scenarios: each candle opens at the previous close. */
export function candlesFromCloses(closes: readonly number[], symbol = 'TEST/USDT', startTs = 0, stepMs = 60_000, wick = 0.001): Candle[] {
  return closes.map((close, i) => {
    const open = i === 0 ? close : closes[i - 1]!;
    return { symbol, ts: startTs + i * stepMs, open, high: Math.max(open, close) * (1 + wick), low: Math.min(open, close) * (1 - wick), close, volume: 1 };
  });
}
