import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { FAST_REPLAY, cli, readLines, startDaemon, statusOf, tempHome, waitFor, writeConfig } from '../support/daemon.js';

const running: Array<{ kill: (signal?: NodeJS.Signals) => boolean }> = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});

const TRADING = FAST_REPLAY.replace('speed: max', 'speed: 3000');
/** Slow, with stops far away, so that a position is still open when the test acts on it. */
const HOLDING = FAST_REPLAY.replace('speed: max', 'speed: 600').replace(
  'strategies: { challengers: [] }',
  'strategies: { challengers: [], params: { ema_trend: { atr_stop_mult: 25, atr_target_mult: 0 } } }',
);

/** Pauses at a moment when the daemon holds a position (retrying if a stop closed it meanwhile). */
async function pauseWhileHolding(home: string): Promise<number> {
  for (;;) {
    await waitFor('an open position', () => (statusOf(home)?.active_positions.length ?? 0) > 0, 60_000);
    touch(home, 'PAUSE');
    const paused = await waitFor('PAUSED', () => (statusOf(home)?.trading_state === 'PAUSED' ? statusOf(home) : null));
    if (paused.active_positions.length > 0) return paused.active_positions.length;
    fs.rmSync(path.join(home, 'PAUSE'));
    await waitFor('ACTIVE', () => statusOf(home)?.trading_state === 'ACTIVE');
  }
}

async function daemon(yaml = TRADING, args: string[] = []) {
  const home = tempHome();
  writeConfig(home, yaml);
  const child = startDaemon(home, args);
  running.push(child);
  await waitFor('a trading daemon', () => statusOf(home)?.market_time);
  return { home, child };
}

function controlRows(home: string): Array<{ file: string; digest: string; result: string; reason: string; content: string }> {
  const db = new Database(path.join(home, 'data', 'paperlive.sqlite'), { readonly: true });
  try {
    return db.prepare('SELECT file, digest, result, reason, content FROM control_events ORDER BY id').all() as never;
  } finally {
    db.close();
  }
}

const touch = (home: string, name: string, content = '') => fs.writeFileSync(path.join(home, name), content);

describe('control files against the running daemon', () => {
  it.each(['PAUSE', 'pause.txt', 'PAUSE_TRADING', 'Pause_Trading.TXT'])('when %s appears then the state is PAUSED at once, and when it goes the state is ACTIVE', async (name) => {
    const { home, child } = await daemon();
    touch(home, name);
    const paused = await waitFor('PAUSED', () => (statusOf(home)?.trading_state === 'PAUSED' ? statusOf(home) : null), 5_000, 5);
    expect(paused.risk).toMatchObject({ paused: true, can_trade: false });
    expect(paused.risk.reasons).toContain('paused');
    fs.rmSync(path.join(home, name));
    await waitFor('ACTIVE again', () => statusOf(home)?.trading_state === 'ACTIVE', 5_000, 5);
    child.kill('SIGTERM');
    expect((await child).exitCode).toBe(0);
  });

  it('when paused then open positions are still managed: no new entry, exits still happen', async () => {
    const { home, child } = await daemon(HOLDING);
    await pauseWhileHolding(home);
    const atPause = statusOf(home);
    // An order placed before the pause may still fill: it was already on its way.
    const allowed = new Set([...atPause.active_positions.map((p: { symbol: string }) => p.symbol), ...atPause.pending_orders.map((o: { symbol: string }) => o.symbol)]);
    const tradesAtPause = readLines(path.join(home, 'logs', 'all_trades.jsonl')).length;
    await waitFor('a position closed while paused', () => readLines(path.join(home, 'logs', 'all_trades.jsonl')).length > tradesAtPause, 60_000);
    const status = statusOf(home);
    expect(status.trading_state).toBe('PAUSED');
    for (const p of status.active_positions) expect(allowed.has(p.symbol)).toBe(true);
    const signals = readLines(path.join(home, 'logs', 'signals.jsonl')).map((l) => JSON.parse(l));
    const pausedEntries = signals.filter((s) => s.direction === 'long' && s.gate.reasons.includes('paused'));
    expect(pausedEntries.every((s) => s.executed === false)).toBe(true);
    child.kill('SIGTERM');
    await child;
  });

  it.each(['FLATTEN', 'flatten_all.txt'])('when %s appears then every position is closed, the daemon keeps running and the file is gone', async (name) => {
    const { home, child } = await daemon(HOLDING);
    const open = await pauseWhileHolding(home); // and stay flat afterwards: no new entries race the check
    touch(home, name);
    const flat = await waitFor('flat', () => {
      const s = statusOf(home);
      return s?.control.last_applied?.file === name && s.active_positions.length === 0 ? s : null;
    });
    expect(flat.is_alive).toBe(true);
    expect(fs.existsSync(path.join(home, name))).toBe(false);
    const trades = readLines(path.join(home, 'logs', 'all_trades.jsonl')).map((l) => JSON.parse(l));
    const flattened = trades.filter((t) => t.exit_reason === 'flatten').length;
    // A stop may close a position between the look and the file; the rest were flattened.
    expect(flattened).toBeGreaterThan(0);
    expect(flattened).toBeLessThanOrEqual(open);
    const db = new Database(path.join(home, 'data', 'paperlive.sqlite'), { readonly: true });
    expect((db.prepare('SELECT COUNT(*) AS n FROM positions').get() as { n: number }).n).toBe(0);
    db.close();
    expect(controlRows(home).find((r) => r.file === name)).toMatchObject({ result: 'applied' });
    child.kill('SIGTERM');
    expect((await child).exitCode).toBe(0);
  });

  it('when a valid ADJUST_RISK arrives then it applies, is deleted, is recorded, and survives a restart', async () => {
    const yaml = TRADING;
    const { home, child } = await daemon(yaml);
    touch(home, 'ADJUST_RISK', 'risk_multiplier: 0.5\nmax_open_positions: 2\n');
    const applied = await waitFor('the new risk', () => {
      const s = statusOf(home);
      return s?.risk.risk_multiplier === 0.5 && s.control.last_applied?.file === 'ADJUST_RISK' ? s : null;
    });
    expect(applied.risk.max_open_positions).toBe(2);
    expect(applied.control.last_applied).toMatchObject({ file: 'ADJUST_RISK', result: 'applied' });
    expect(fs.existsSync(path.join(home, 'ADJUST_RISK'))).toBe(false);
    const row = controlRows(home).find((r) => r.file === 'ADJUST_RISK')!;
    expect(row.digest).toMatch(/^[0-9a-f]{64}$/);
    child.kill('SIGTERM');
    await child;
    const again = startDaemon(home);
    running.push(again);
    const restarted = await waitFor('the restarted daemon', () => (statusOf(home)?.pid === again.pid ? statusOf(home) : null));
    expect(restarted.risk).toMatchObject({ risk_multiplier: 0.5, max_open_positions: 2 });
    again.kill('SIGTERM');
    await again;
  });

  it.each([
    ['a word', 'lots'],
    ['out of range', '3'],
    ['a negative number', '-1'],
    ['an empty file', ''],
    ['a YAML list', '- 0.5\n- 1\n'],
    ['an unknown key', 'risk_multiplier: 0.5\nleverage: 10\n'],
    ['a wrong type', 'max_open_positions: two\n'],
    ['a fractional count', 'max_open_positions: 1.5\n'],
    ['a 5 MB blob', 'x'.repeat(5 * 1024 * 1024)],
  ])('when ADJUST_RISK is %s then nothing is applied and it becomes ADJUST_RISK.rejected with the reason in status', async (_what, content) => {
    const { home, child } = await daemon();
    const before = statusOf(home).risk;
    touch(home, 'ADJUST_RISK', content);
    const rejected = await waitFor('the rejection', () => {
      const s = statusOf(home);
      return s?.control.last_rejected?.file === 'ADJUST_RISK' ? s : null;
    });
    expect(rejected.control.last_rejected.reason.length).toBeGreaterThan(10);
    expect(rejected.risk).toMatchObject({ risk_multiplier: before.risk_multiplier, max_open_positions: before.max_open_positions, risk_per_trade_pct: before.risk_per_trade_pct });
    expect(fs.existsSync(path.join(home, 'ADJUST_RISK'))).toBe(false);
    expect(fs.existsSync(path.join(home, 'ADJUST_RISK.rejected'))).toBe(true);
    expect(controlRows(home).at(-1)).toMatchObject({ file: 'ADJUST_RISK', result: 'rejected' });
    child.kill('SIGTERM');
    expect((await child).exitCode).toBe(0);
  });

  it('when EMERGENCY_STOP appears with open positions then all are closed in the ledger, the status is final and it exits 4; a restart is refused', async () => {
    const { home, child } = await daemon(HOLDING);
    await pauseWhileHolding(home);
    touch(home, 'EMERGENCY_STOP', 'market crash\n');
    const result = await child;
    expect(result.exitCode).toBe(4);
    const status = statusOf(home);
    expect(status).toMatchObject({ trading_state: 'EMERGENCY_STOPPED', is_alive: false, active_positions: [], risk: { can_trade: false, emergency_stop: true } });
    expect(status.risk.reasons[0]).toBe('emergency_stop');
    expect(new Set(status.risk.reasons).size).toBe(status.risk.reasons.length); // each reason once
    expect(fs.existsSync(path.join(home, 'logs', 'paper_live.pid'))).toBe(false);
    expect(fs.existsSync(path.join(home, 'EMERGENCY_STOP'))).toBe(true);
    const db = new Database(path.join(home, 'data', 'paperlive.sqlite'), { readonly: true });
    expect((db.prepare('SELECT COUNT(*) AS n FROM positions').get() as { n: number }).n).toBe(0);
    expect((db.prepare("SELECT COUNT(*) AS n FROM orders WHERE status = 'pending'").get() as { n: number }).n).toBe(0);
    expect((db.prepare("SELECT COUNT(*) AS n FROM trades WHERE json_extract(body, '$.exit_reason') = 'emergency_stop'").get() as { n: number }).n).toBeGreaterThan(0);
    db.close();
    const again = await cli(['run', '--home', home]);
    expect(again.exitCode).toBe(4);
    expect(again.stderr).toContain('EMERGENCY_STOP');
  });

  it('when SHUTDOWN appears then it stops cleanly with exit 0, keeps the positions and deletes the file', async () => {
    const { home, child } = await daemon(HOLDING);
    await pauseWhileHolding(home);
    touch(home, 'shutdown.txt');
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(statusOf(home)).toMatchObject({ trading_state: 'STOPPED', is_alive: false });
    expect(fs.existsSync(path.join(home, 'shutdown.txt'))).toBe(false);
    const db = new Database(path.join(home, 'data', 'paperlive.sqlite'), { readonly: true });
    expect((db.prepare('SELECT COUNT(*) AS n FROM positions').get() as { n: number }).n).toBeGreaterThan(0);
    db.close();
  });

  it('when PAUSE exists at start then the daemon starts PAUSED (it survives restarts)', async () => {
    const home = tempHome();
    writeConfig(home, TRADING);
    touch(home, 'PAUSE');
    const child = startDaemon(home);
    running.push(child);
    const first = await waitFor('a status', () => statusOf(home));
    expect(first.trading_state).toBe('PAUSED');
    child.kill('SIGTERM');
    await child;
  });
});

describe('CLI control helpers', () => {
  it('when pause, risk, flatten, resume and shutdown are run then each returns 0 once status.json confirms it', async () => {
    const { home, child } = await daemon();
    expect((await cli(['pause', '--home', home])).exitCode).toBe(0);
    expect(statusOf(home).trading_state).toBe('PAUSED');
    const risk = await cli(['risk', '0.25', '--home', home]);
    expect(risk.exitCode).toBe(0);
    expect(statusOf(home).risk.risk_multiplier).toBe(0.25);
    const bad = await cli(['risk', '-1', '--home', home]);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('rejected');
    expect((await cli(['flatten', '--home', home])).exitCode).toBe(0);
    expect(statusOf(home).active_positions).toEqual([]);
    expect((await cli(['resume', '--home', home])).exitCode).toBe(0);
    expect(statusOf(home).trading_state).toBe('ACTIVE');
    expect((await cli(['shutdown', '--home', home])).exitCode).toBe(0);
    expect((await child).exitCode).toBe(0);
  });

  it('when no daemon runs then a helper writes the file and exits 1 saying it was not confirmed', async () => {
    const home = tempHome();
    const result = await cli(['pause', '--home', home, '--timeout', '0.5']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('not confirmed');
    expect(fs.existsSync(path.join(home, 'PAUSE'))).toBe(true);
  });
});
