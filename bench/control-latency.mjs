// Control-file latency: from a control file appearing in the home to status.json showing its
// effect, against a real daemon replaying candles (so the event loop is busy). PAUSE is
// created and removed BENCH_N times; FLATTEN is measured too. Prints median, p99 and max.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const N = Number(process.env.BENCH_N ?? 100);
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-control-'));
fs.mkdirSync(path.join(home, 'configs'));
fs.writeFileSync(
  path.join(home, 'configs', 'paper_live.yaml'),
  `status_interval_s: 30\nfeed:\n  source: replay\n  replay: { data_dir: ${JSON.stringify(path.join(root, 'data', 'replay'))}, speed: 3000 }\nstrategies: { challengers: [] }\ngate: { min_confidence: 0, min_ev_cost_ratio: 0, per_symbol: {} }\n`,
);
const daemon = spawn(process.execPath, [path.join(root, 'dist', 'cli', 'main.js'), 'run', '--home', home, '--loop'], { stdio: 'ignore' });
const statusFile = path.join(home, 'logs', 'status.json');
const read = () => {
  try {
    return JSON.parse(fs.readFileSync(statusFile, 'utf8'));
  } catch {
    return null;
  }
};
async function until(check, timeoutMs = 5000) {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const s = read();
    if (s && check(s)) return performance.now();
    await sleep(1);
  }
  throw new Error('timed out');
}
await until((s) => s.market_time !== null, 30_000);
const samples = { pause: [], resume: [], flatten: [] };
for (let i = 0; i < N; i++) {
  let t = performance.now();
  fs.writeFileSync(path.join(home, 'PAUSE'), '');
  samples.pause.push((await until((s) => s.trading_state === 'PAUSED')) - t);
  t = performance.now();
  fs.rmSync(path.join(home, 'PAUSE'));
  samples.resume.push((await until((s) => s.trading_state === 'ACTIVE')) - t);
  if (i % 5 === 0) {
    const before = read()?.control?.last_applied?.at ?? '';
    t = performance.now();
    fs.writeFileSync(path.join(home, 'FLATTEN'), '');
    samples.flatten.push((await until((s) => s.control?.last_applied?.file === 'FLATTEN' && s.control.last_applied.at !== before)) - t);
  }
  await sleep(20);
}
daemon.kill('SIGTERM');
const q = (xs, p) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];
for (const [name, xs] of Object.entries(samples)) {
  console.log(`control ${name.padEnd(7)} file → status.json: median ${q(xs, 0.5).toFixed(1)} ms, p99 ${q(xs, 0.99).toFixed(1)} ms, max ${Math.max(...xs).toFixed(1)} ms (${xs.length} samples)`);
}
