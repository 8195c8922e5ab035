import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { FAST_REPLAY, REPLAY_DATA, cli, freezeHoldingPosition, heartbeatOf, readJson, readLines, startDaemon, statusOf, tempHome, waitFor, writeConfig } from '../support/daemon.js';

const running: Array<{ kill: (signal?: NodeJS.Signals) => boolean }> = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});

function start(home: string, args: string[] = [], env: Record<string, string> = {}) {
  const child = startDaemon(home, args, env);
  running.push(child);
  return child;
}

/** A replay slow enough to still be running when the test looks, fast enough to trade. */
const SLOW_REPLAY = FAST_REPLAY.replace('speed: max', 'speed: 6000');

describe('paperlive run, as a process', () => {
  it('when started in an empty home then status, heartbeat and pid file appear and agree on the pid', async () => {
    const home = tempHome();
    writeConfig(home, SLOW_REPLAY);
    const child = start(home);
    const status = await waitFor('a status with market data', () => {
      const s = statusOf(home);
      return s?.market_time ? s : null;
    });
    const heartbeat = await waitFor('a heartbeat', () => heartbeatOf(home));
    const pidFile = Number(fs.readFileSync(path.join(home, 'logs', 'paper_live.pid'), 'utf8'));
    expect(status.pid).toBe(child.pid);
    expect(heartbeat.pid).toBe(child.pid);
    expect(pidFile).toBe(child.pid);
    expect(status).toMatchObject({ schema_version: 1, is_alive: true, mode: 'paper', trading_state: 'ACTIVE', feed: { source: 'replay' } });
    expect(heartbeat).toMatchObject({ status: 'alive', trading_state: 'ACTIVE' });
    expect(Date.parse(status.next_update) - Date.parse(status.timestamp)).toBe(200);
    for (const key of ['account', 'risk', 'active_positions', 'last_signal', 'strategies', 'shadow', 'control', 'errors']) expect(status).toHaveProperty(key);
    expect(fs.existsSync(path.join(home, 'data', 'paperlive.sqlite'))).toBe(true);
    child.kill('SIGTERM');
    expect((await child).exitCode).toBe(0);
  });

  it('when SIGTERM arrives then it exits 0 with a STOPPED status, a stopped heartbeat and no pid file', async () => {
    const home = tempHome();
    writeConfig(home, SLOW_REPLAY);
    const child = start(home);
    await waitFor('trading', () => statusOf(home)?.market_time);
    child.kill('SIGTERM');
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(statusOf(home)).toMatchObject({ is_alive: false, trading_state: 'STOPPED', risk: { can_trade: false } });
    expect(heartbeatOf(home)).toMatchObject({ status: 'stopped', pid: child.pid });
    expect(fs.existsSync(path.join(home, 'logs', 'paper_live.pid'))).toBe(false);
    const log = readLines(path.join(home, 'logs', 'paper_live.log')).map((l) => JSON.parse(l));
    expect(log.some((l) => l.msg === 'paperlive stopped cleanly')).toBe(true);
  });

  it('when a second daemon starts on the same home then it exits 3 naming the first pid, and the first keeps running', async () => {
    const home = tempHome();
    writeConfig(home, SLOW_REPLAY);
    const first = start(home);
    await waitFor('the first daemon', () => statusOf(home)?.market_time);
    const second = await cli(['run', '--home', home]);
    expect(second.exitCode).toBe(3);
    expect(second.stderr).toContain(`pid ${first.pid}`);
    expect(statusOf(home).pid).toBe(first.pid);
    expect(Number(fs.readFileSync(path.join(home, 'logs', 'paper_live.pid'), 'utf8'))).toBe(first.pid);
    first.kill('SIGTERM');
    expect((await first).exitCode).toBe(0);
  });

  it('when killed with -9 while holding positions then a restart restores the same positions and resumes market time', async () => {
    const home = tempHome();
    // Wide stops: positions live long enough to be caught open.
    writeConfig(home, SLOW_REPLAY.replace('speed: 6000', 'speed: 30000').replace('strategies: { challengers: [] }', 'strategies: { challengers: [], params: { ema_trend: { atr_stop_mult: 25, atr_target_mult: 0 } } }'));
    const first = start(home);
    const ledgerFile = path.join(home, 'data', 'paperlive.sqlite');
    type Row = { symbol: string; body: string };
    const positionsIn = (db: Database.Database) =>
      (db.prepare('SELECT symbol, body FROM positions ORDER BY symbol').all() as Row[]).map((r) => {
        const p = JSON.parse(r.body);
        return { symbol: p.symbol, quantity: p.quantity, entry: p.entry };
      });
    await freezeHoldingPosition(home, first);
    first.kill('SIGKILL');
    await first;
    // What the crash left is what a restart must restore. A reader's view while the daemon
    // was frozen can lag it by one transaction (frozen after the commit reached the WAL, before
    // the WAL index showed it), so it is read from a copy of the files as they are now, which
    // SQLite recovers the way the restart will, without touching the originals.
    const copy = path.join(fs.mkdtempSync(path.join(home, 'crash-copy-')), 'ledger.sqlite');
    fs.copyFileSync(ledgerFile, copy);
    if (fs.existsSync(`${ledgerFile}-wal`)) fs.copyFileSync(`${ledgerFile}-wal`, `${copy}-wal`);
    const db = new Database(copy);
    const held = positionsIn(db);
    const persisted = JSON.parse((db.prepare("SELECT value FROM settings WHERE key = 'engine.last_market_time'").get() as { value: string }).value) as number;
    db.close();
    expect(held.length).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(home, 'logs', 'paper_live.pid'))).toBe(true);

    const second = start(home);
    const restored = await waitFor('the restore log line', () =>
      readLines(path.join(home, 'logs', 'paper_live.log'))
        .map((l) => JSON.parse(l))
        .find((l) => l.msg === 'restored open positions' && l.pid === second.pid),
    );
    expect(restored.positions).toEqual(held);
    const resume = readLines(path.join(home, 'logs', 'paper_live.log')).map((l) => JSON.parse(l)).find((l) => l.resume_after && l.pid === second.pid);
    expect(Date.parse(resume.resume_after)).toBe(persisted);
    const resumed = await waitFor('the restarted daemon trading', () => {
      const s = statusOf(home);
      return s?.pid === second.pid && Date.parse(s.market_time) > persisted ? s : null;
    });
    expect(resumed.is_alive).toBe(true);
    second.kill('SIGTERM');
    expect((await second).exitCode).toBe(0);
  });

  it('when a JSONL log ends in a torn line then the start truncates it and says so', async () => {
    const home = tempHome();
    writeConfig(home, FAST_REPLAY.replace('speed: max', 'speed: 600'));
    fs.mkdirSync(path.join(home, 'logs'), { recursive: true });
    const signals = path.join(home, 'logs', 'signals.jsonl');
    const whole = '{"symbol":"BTC/USDT","direction":"long"}\n';
    const torn = '{"symbol":"ETH/USDT","dire';
    fs.writeFileSync(signals, `${whole}${torn}`);
    const child = start(home);
    await waitFor('the daemon up', () => statusOf(home)?.is_alive);
    child.kill('SIGTERM');
    await child;
    const lines = readLines(signals);
    expect(lines[0]).toBe(whole.trim());
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    const log = readLines(path.join(home, 'logs', 'paper_live.log')).map((l) => JSON.parse(l));
    expect(log.find((l) => l.msg?.includes('torn'))).toMatchObject({ file: signals, removed_bytes: Buffer.byteLength(torn) });
  });

  it('when the replay runs out with --exit-at-end then it exits 0 after trading, with trades in the log and the ledger agreeing', async () => {
    const home = tempHome();
    writeConfig(home, FAST_REPLAY);
    const result = await cli(['run', '--home', home, '--exit-at-end', '--to', '2023-03-25T00:00:00Z']);
    expect(result.exitCode).toBe(0);
    const trades = readLines(path.join(home, 'logs', 'all_trades.jsonl')).map((l) => JSON.parse(l));
    expect(trades.length).toBeGreaterThan(0);
    const db = new Database(path.join(home, 'data', 'paperlive.sqlite'), { readonly: true });
    const ids = (db.prepare('SELECT id FROM trades ORDER BY rowid').all() as Array<{ id: string }>).map((r) => r.id);
    db.close();
    expect(trades.map((t) => t.id)).toEqual(ids);
    for (const t of trades) {
      expect(t.net_pnl).toBeCloseTo(t.gross_pnl - t.fees, 6);
      expect(t.fees).toBeGreaterThan(0);
      expect(Date.parse(t.closed_at)).toBeLessThan(Date.parse('2023-03-25T00:00:00Z'));
    }
    const status = statusOf(home);
    expect(status).toMatchObject({ is_alive: false, trading_state: 'STOPPED', feed: { healthy: false } });
    expect(Date.parse(status.market_time)).toBeLessThanOrEqual(Date.parse('2023-03-25T00:00:00Z'));
  });

  it('when the config\'s starting balance changed since the first start then a challenger added later starts its shadow book from the recorded one', async () => {
    const home = tempHome();
    writeConfig(home, FAST_REPLAY);
    expect((await cli(['run', '--home', home, '--exit-at-end', '--to', '2023-03-18T00:00:00Z'])).exitCode).toBe(0);
    writeConfig(home, `${FAST_REPLAY}account: { starting_balance: 5000 }\n`);
    expect((await cli(['production', '--home', home, '--add-challenger', 'rsi_revert'])).exitCode).toBe(0);
    expect((await cli(['run', '--home', home, '--exit-at-end', '--to', '2023-03-20T00:00:00Z'])).exitCode).toBe(0);
    const db = new Database(path.join(home, 'data', 'paperlive.sqlite'), { readonly: true });
    const first = db.prepare('SELECT day, start_equity AS start FROM shadow_daily_equity WHERE book = ? ORDER BY day LIMIT 1').get('rsi_revert') as { day: string; start: number };
    const starting = (db.prepare("SELECT value FROM settings WHERE key = 'account.starting_balance'").get() as { value: string }).value;
    db.close();
    expect(JSON.parse(starting)).toBe(10_000);
    expect(first).toEqual({ day: '2023-03-18', start: 10_000 });
  });

  it('when a replay ends without --exit-at-end then it stays up with an unhealthy feed and feed_stale', async () => {
    const home = tempHome();
    writeConfig(home, FAST_REPLAY);
    const child = start(home, ['--from', '2023-04-30T00:00:00Z']);
    const status = await waitFor('the end of the data', () => {
      const s = statusOf(home);
      return s?.feed.ended ? s : null;
    });
    // Alive and not stopped; capital preservation may have halted entries by then, which is not the point here.
    expect(status).toMatchObject({ is_alive: true, feed: { healthy: false }, risk: { can_trade: false } });
    expect(['ACTIVE', 'HALTED']).toContain(status.trading_state);
    expect(status.risk.reasons).toContain('feed_stale');
    child.kill('SIGINT');
    expect((await child).exitCode).toBe(0);
  });

  it('when EMERGENCY_STOP exists at start then run refuses with exit 4 and says how to clear it', async () => {
    const home = tempHome();
    writeConfig(home, FAST_REPLAY);
    fs.writeFileSync(path.join(home, 'emergency_stop.txt'), 'stop\n');
    const result = await cli(['run', '--home', home]);
    expect(result.exitCode).toBe(4);
    expect(result.stderr).toMatch(/emergency_stop\.txt.*delete that file/i);
    expect(fs.existsSync(path.join(home, 'logs', 'paper_live.pid'))).toBe(false);
  });

  it('when the ledger file is not a database then it exits 1 naming the file and leaves the file as it was', async () => {
    const home = tempHome();
    writeConfig(home, FAST_REPLAY);
    fs.mkdirSync(path.join(home, 'data'), { recursive: true });
    const ledger = path.join(home, 'data', 'paperlive.sqlite');
    fs.writeFileSync(ledger, 'this is not sqlite'.repeat(100));
    const result = await cli(['run', '--home', home]);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain(ledger);
    expect(fs.readFileSync(ledger, 'utf8')).toBe('this is not sqlite'.repeat(100));
  });

  it('when the replay data folder lacks a symbol then it exits 78 naming the missing file', async () => {
    const home = tempHome();
    writeConfig(home, FAST_REPLAY.replace('strategies:', 'strategies:') + 'account: { currency: USDT }\n');
    const empty = path.join(home, 'nodata');
    fs.mkdirSync(empty);
    fs.copyFileSync(path.join(REPLAY_DATA, 'BINANCE_BTC-USDT_1m.csv'), path.join(empty, 'BINANCE_BTC-USDT_1m.csv'));
    const result = await cli(['run', '--home', home, '--data', empty]);
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toContain('BINANCE_ETH-USDT_1m.csv');
    expect(readJson(path.join(home, 'logs', 'status.json'))).toBeUndefined();
  });

  it('when a configured symbol is missing from the bundled markets snapshot then it exits 78 with one sentence naming it', async () => {
    const home = tempHome();
    const data = path.join(home, 'replay');
    fs.mkdirSync(data);
    const rows = fs.readFileSync(path.join(REPLAY_DATA, 'BINANCE_BTC-USDT_1m.csv'), 'utf8').split('\n').slice(0, 50).join('\n') + '\n';
    for (const base of ['BTC', 'DOGE']) fs.writeFileSync(path.join(data, `BINANCE_${base}-USDT_1m.csv`), rows);
    writeConfig(home, `status_interval_s: 0.2\nheartbeat_interval_s: 0.2\nfeed:\n  source: replay\n  symbols: [BTC/USDT, DOGE/USDT]\n  replay: { data_dir: ${JSON.stringify(data)}, speed: max }\nstrategies: { challengers: [] }\n`);
    const result = await cli(['run', '--home', home, '--exit-at-end']);
    expect(result.exitCode).toBe(78);
    expect(result.stderr).toContain('has no market DOGE/USDT');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    // Its last status is final: not alive, stopped, and why.
    const status = readJson(path.join(home, 'logs', 'status.json'));
    expect(status).toMatchObject({ is_alive: false, trading_state: 'STOPPED', risk: { can_trade: false } });
    expect(status.risk.reasons[0]).toBe('stopped');
    expect(status.errors.at(-1).message).toContain('has no market DOGE/USDT');
    expect(readJson(path.join(home, 'data', 'rl', 'paper_live_heartbeat.json'))).toMatchObject({ status: 'stopped', trading_state: 'STOPPED' });
  });
});
