// Backtest throughput: candles per second through the whole pipeline (replay feed, strategy,
// gate, paper broker, SQLite ledger in memory) for one strategy, against a bare loop that only
// parses the same CSV files and updates one EMA. Both include reading and parsing the files;
// the pipeline figure also includes building the engine and its database. Two gate settings:
// the default one (reference 002's table, which takes no trade with ema_trend on this data)
// a relaxed one (quality checks off: the trades lose, and capital preservation soon locks the
// account down), the same with capital preservation off (hundreds of trades, so the ledger is
// exercised), then the two other built-in strategies with the default gate.
// The bare loop and the pipeline runs alternate in one process after a warm-up run, so both
// get the same JIT and the same share of a noisy machine; the figures are medians, and the
// ratio is the median of the ratios of neighbouring runs, which a machine that changes speed
// between minutes disturbs least.
//
//   BENCH_RUNS (default 11)   runs of each side per gate setting
//   BENCH_TIMEFRAME (1m)      which bundled files to read
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EMA } from 'trading-signals';
import { runBacktest } from '../dist/app/backtest.js';
import { parseConfigText } from '../dist/config/load-config.js';
import { loadCandleSeries } from '../dist/feeds/replay/csv-candles.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = path.join(root, 'data', 'replay');
const runs = Number(process.env.BENCH_RUNS ?? 11);
const timeframe = process.env.BENCH_TIMEFRAME ?? '1m';
const files = ['BTC', 'ETH', 'SOL'].map((b) => path.join(dataDir, `BINANCE_${b}-USDT_${timeframe}.csv`));
const NONE = '{ caution: null, defensive: null, lockdown: null, crisis: null }';
const settings = [
  { strategy: 'ema_trend', name: 'default gate', yaml: `feed: { timeframe: ${timeframe} }\n` },
  { strategy: 'ema_trend', name: 'relaxed gate', yaml: `feed: { timeframe: ${timeframe} }\ngate: { min_confidence: 0, min_ev_cost_ratio: 0, per_symbol: {} }\n` },
  {
    strategy: 'ema_trend',
    name: 'relaxed gate, capital preservation off',
    yaml: `feed: { timeframe: ${timeframe} }\ngate: { min_confidence: 0, min_ev_cost_ratio: 0, per_symbol: {} }\nrisk:\n  capital_preservation: { drawdown_pct: ${NONE}, daily_loss_pct: ${NONE}, loss_streak: ${NONE} }\n`,
  },
  { strategy: 'rsi_revert', name: 'default gate', yaml: `feed: { timeframe: ${timeframe} }\n` },
  { strategy: 'donchian_breakout', name: 'default gate', yaml: `feed: { timeframe: ${timeframe} }\n` },
];

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

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n) => Math.round(n).toLocaleString('en-US');

for (const setting of settings) {
  const config = parseConfigText(setting.yaml, 'bench');
  const pipeline = async () => {
    const result = await runBacktest({ config, dataDir, strategy: setting.strategy });
    return { candles: result.candles, ms: result.wall_ms, trades: result.trades.length };
  };
  await pipeline();
  bareLoop();
  const bare = [];
  const full = [];
  const ratios = [];
  let trades = 0;
  let candles = 0;
  for (let i = 0; i < runs; i++) {
    const b = bareLoop();
    bare.push(b.candles / (b.ms / 1000));
    const p = await pipeline();
    full.push(p.candles / (p.ms / 1000));
    ratios.push(bare.at(-1) / full.at(-1));
    trades = p.trades;
    candles = p.candles;
  }
  console.log(
    `backtest, ${setting.strategy}, ${candles} ${timeframe} candles, ${setting.name} (${trades} trades): ` +
      `pipeline median ${fmt(median(full))} candles/s; bare parse+EMA loop median ${fmt(median(bare))} candles/s; ` +
      `pipeline/bare time ratio median ${median(ratios).toFixed(2)}x`,
  );
}
