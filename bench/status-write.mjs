// Cost of one atomic status.json replace (temp file, fsync, rename), as the daemon writes it.
// Prints the median and p99 over many writes of a realistic document. Run: npm run bench
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeJsonAtomic } from '../dist/io/atomic-write.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-status-'));
const target = path.join(dir, 'status.json');
const position = (symbol) => ({ symbol, side: 'long', quantity: 0.01234, entry: 27000.12, mark: 27100.5, unrealized_pnl: 1.23, stop: 26500, target: 28000, trailing_stop: null, strategy: 'ema_trend', opened_at: new Date().toISOString() });
const doc = {
  schema_version: 1, timestamp: new Date().toISOString(), next_update: new Date().toISOString(), market_time: new Date().toISOString(),
  is_alive: true, pid: process.pid, started_at: new Date().toISOString(), uptime_s: 3600, mode: 'paper', trading_state: 'ACTIVE',
  feed: { source: 'replay', healthy: true, last_tick_at: new Date().toISOString(), stale_symbols: [] },
  account: { currency: 'USDT', balance: 10000, equity: 10012.5, daily_pnl: 12.5, open_positions: 3, daily_trades: 7 },
  risk: { can_trade: true, reasons: [], risk_multiplier: 1, risk_per_trade_pct: 0.5, portfolio_heat_pct: 1.5, max_portfolio_heat_pct: 6, max_open_positions: 3, consecutive_losses: 0, daily_loss_remaining: 487.5, capital_preservation: 'NORMAL', kill_switch: false, emergency_stop: false, paused: false },
  active_positions: ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'].map(position),
  last_signal: null, strategies: { champion: 'ema_trend', challengers: ['rsi_revert', 'donchian_breakout'] },
  shadow: { decisions_session: 120, decisions_total: 9000, last_decision_at: null }, control: { last_applied: null, last_rejected: null }, errors: [],
};

const N = Number(process.env.BENCH_N ?? 2000);
for (let i = 0; i < 50; i++) writeJsonAtomic(target, doc); // warm-up
const samples = [];
for (let i = 0; i < N; i++) {
  doc.uptime_s = i;
  const t = process.hrtime.bigint();
  writeJsonAtomic(target, doc);
  samples.push(Number(process.hrtime.bigint() - t) / 1e6);
}
samples.sort((a, b) => a - b);
const q = (p) => samples[Math.min(samples.length - 1, Math.floor(p * samples.length))];
const bytes = fs.statSync(target).size;
console.log(`status.json atomic write (${bytes} bytes, ${N} writes, ${os.tmpdir()}): median ${q(0.5).toFixed(3)} ms, p99 ${q(0.99).toFixed(3)} ms, max ${q(1).toFixed(3)} ms`);
fs.rmSync(dir, { recursive: true, force: true });
