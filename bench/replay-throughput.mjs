// Replay candles per second through the whole daemon (`paperlive run --feed replay --speed max
// --exit-at-end`) on the bundled real Binance 1m candles: start-up, strategy, gate, broker,
// SQLite ledger, JSONL logs and status writes included. Median of BENCH_RUNS runs.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runs = Number(process.env.BENCH_RUNS ?? 3);
const candles = ['BTC', 'ETH', 'SOL']
  .map((b) => fs.readFileSync(path.join(root, 'data', 'replay', `BINANCE_${b}-USDT_1m.csv`), 'utf8').trim().split('\n').length - 1)
  .reduce((a, b) => a + b, 0);
const rates = [];
for (let i = 0; i < runs; i++) {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-replay-'));
  fs.mkdirSync(path.join(home, 'configs'));
  fs.writeFileSync(path.join(home, 'configs', 'paper_live.yaml'), `feed:\n  source: replay\n  replay: { data_dir: ${JSON.stringify(path.join(root, 'data', 'replay'))}, speed: max }\nstrategies: { challengers: [] }\n`);
  const t = process.hrtime.bigint();
  execFileSync(process.execPath, [path.join(root, 'dist', 'cli', 'main.js'), 'run', '--home', home, '--exit-at-end'], { stdio: 'ignore' });
  const seconds = Number(process.hrtime.bigint() - t) / 1e9;
  const trades = fs.readFileSync(path.join(home, 'logs', 'all_trades.jsonl'), 'utf8').trim().split('\n').length;
  rates.push({ seconds, rate: candles / seconds, trades });
  fs.rmSync(home, { recursive: true, force: true });
}
rates.sort((a, b) => a.rate - b.rate);
const median = rates[Math.floor(rates.length / 2)];
console.log(`replay through the daemon: ${candles} candles (3 symbols, 1m, 46 days) in a median ${median.seconds.toFixed(2)} s = ${Math.round(median.rate).toLocaleString('en-US')} candles/s (${median.trades} trades; runs: ${rates.map((r) => r.seconds.toFixed(2)).join(', ')} s)`);
