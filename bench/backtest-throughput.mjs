// Backtest throughput: candles per second through the whole pipeline (strategy, gate, paper
// broker, in-memory SQLite ledger) for one strategy, against a bare loop that only parses the
// same CSV files and updates one EMA. Both include reading and parsing the files; the pipeline
// figure also includes building the engine. Medians of BENCH_RUNS runs, in one process after a
// warm-up run, so both sides get the same JIT.
import path from 'node:path';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EMA } from 'trading-signals';
import { runBacktest } from '../dist/app/backtest.js';
import { parseConfigText } from '../dist/config/load-config.js';
import { loadCandleSeries } from '../dist/feeds/replay/csv-candles.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.join(root, 'data', 'replay');
const runs = Number(process.env.BENCH_RUNS ?? 5);
const timeframe = process.env.BENCH_TIMEFRAME ?? '1m';
const gate = process.env.BENCH_DEFAULT_GATE ? "" : "gate: { min_confidence: 0, min_ev_cost_ratio: 0, per_symbol: {} }\n";
const config = parseConfigText(`feed: { timeframe: ${timeframe} }\n${gate}`, "bench");
const files = ['BTC', 'ETH', 'SOL'].map((b) => path.join(dataDir, `BINANCE_${b}-USDT_${timeframe}.csv`));

function bareLoop() {
  const started = performance.now();
  let candles = 0;
  let last = 0;
  for (const file of files) {
    const series = loadCandleSeries(file, 'X', 60_000);
    const ema = new EMA(26);
    for (let i = 0; i < series.length; i++) last = ema.add(series.close[i]) ?? last;
    candles += series.length;
  }
  return { candles, ms: performance.now() - started, last };
}

async function pipeline() {
  const result = await runBacktest({ config, dataDir });
  return { candles: result.candles, ms: result.wall_ms, trades: result.trades.length };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
await pipeline();
bareLoop();
const bare = [];
const full = [];
let trades = 0;
for (let i = 0; i < runs; i++) {
  const b = bareLoop();
  bare.push(b.candles / (b.ms / 1000));
  const p = await pipeline();
  full.push(p.candles / (p.ms / 1000));
  trades = p.trades;
}
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const candles = files.reduce((n, f) => n + fs.readFileSync(f, 'utf8').split('\n').length - 2, 0);
console.log(`backtest, ema_trend, ${candles} ${timeframe} candles (${trades} trades): pipeline median ${fmt(median(full))} candles/s; bare parse+EMA loop median ${fmt(median(bare))} candles/s; ratio ${(median(bare) / median(full)).toFixed(2)}x`);
