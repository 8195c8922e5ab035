import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { FAST_REPLAY, startDaemon, statusOf, tempHome, waitFor, writeConfig } from '../support/daemon.js';

const running: Array<{ kill: (signal?: NodeJS.Signals) => boolean }> = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});

describe('status.json under load and under storage trouble', () => {
  it('when a reader hammers status.json while the daemon trades flat out then every read parses', async () => {
    const home = tempHome();
    writeConfig(home, FAST_REPLAY.replace('status_interval_s: 0.2', 'status_interval_s: 0.1'));
    const child = startDaemon(home);
    running.push(child);
    const file = path.join(home, 'logs', 'status.json');
    await waitFor('a first status', () => fs.existsSync(file));
    let reads = 0;
    let torn = 0;
    const seen = new Set<string>();
    const end = Date.now() + 3_000;
    while (Date.now() < end) {
      try {
        const text = fs.readFileSync(file, 'utf8');
        const doc = JSON.parse(text);
        seen.add(doc.timestamp);
        reads++;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') torn++;
      }
      if (reads % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    expect(torn).toBe(0);
    expect(reads).toBeGreaterThan(1_000);
    expect(seen.size).toBeGreaterThan(10);
    child.kill('SIGTERM');
    expect((await child).exitCode).toBe(0);
  });

  it('when another process locks the ledger then trading halts with persistence_failure, and resumes when it lets go', async () => {
    const home = tempHome();
    writeConfig(home, FAST_REPLAY.replace('speed: max', 'speed: 3000'));
    const child = startDaemon(home);
    running.push(child);
    await waitFor('trading', () => statusOf(home)?.market_time);
    const db = new Database(path.join(home, 'data', 'paperlive.sqlite'));
    db.exec('BEGIN EXCLUSIVE');
    const halted = await waitFor('a halted status', () => {
      const s = statusOf(home);
      return s?.trading_state === 'HALTED' ? s : null;
    });
    expect(halted.is_alive).toBe(true);
    expect(halted.risk.can_trade).toBe(false);
    expect(halted.risk.reasons).toContain('persistence_failure');
    expect(halted.errors.at(-1).message).toContain('refused a write');
    db.exec('ROLLBACK');
    db.close();
    const back = await waitFor('trading again', () => {
      const s = statusOf(home);
      return s?.trading_state === 'ACTIVE' ? s : null;
    });
    expect(back.risk.reasons).not.toContain('persistence_failure');
    child.kill('SIGTERM');
    expect((await child).exitCode).toBe(0);
  });
});
