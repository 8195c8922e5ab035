import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FAST_REPLAY, cli, startDaemon, statusOf, tempHome, waitFor, writeConfig } from '../support/daemon.js';

const running: Array<{ kill: (signal?: NodeJS.Signals) => boolean }> = [];
afterEach(() => {
  for (const child of running.splice(0)) child.kill('SIGKILL');
});

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const SLOW = FAST_REPLAY.replace('speed: max', 'speed: 3000');

describe('readiness, HTTP and LIVE_MODE in the running daemon', () => {
  it('when http is enabled then /health/readiness, /health/live and /status answer on 127.0.0.1 with what the CLI says', async () => {
    const home = tempHome();
    const port = await freePort();
    writeConfig(home, `${SLOW}http: { enabled: true, port: ${port} }\n`);
    const child = startDaemon(home);
    running.push(child);
    await waitFor('trading', () => statusOf(home)?.market_time);
    const readiness = (await (await fetch(`http://127.0.0.1:${port}/health/readiness`)).json()) as { live_rollout_readiness: string };
    expect(['GO', 'CONDITIONAL', 'NO_GO']).toContain(readiness.live_rollout_readiness);
    for (const key of ['overall_readiness', 'live_rollout_readiness', 'live_rollout_reasons', 'live_rollout_next_actions', 'components']) expect(readiness).toHaveProperty(key);
    expect(await (await fetch(`http://127.0.0.1:${port}/health/live`)).json()).toMatchObject({ status: 'alive', pid: child.pid });
    expect(await (await fetch(`http://127.0.0.1:${port}/status`)).json()).toMatchObject({ schema_version: 1, pid: child.pid });
    expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
    const health = await cli(['health', '--home', home, '--json']);
    expect(JSON.parse(health.stdout).live_rollout_readiness).toBe(readiness.live_rollout_readiness);
    expect(health.exitCode).toBe({ GO: 0, CONDITIONAL: 1, NO_GO: 2 }[readiness.live_rollout_readiness as 'GO']);
    child.kill('SIGTERM');
    expect((await child).exitCode).toBe(0);
  });

  it('when the HTTP port is taken then the daemon runs on without it and says so in status errors', async () => {
    const home = tempHome();
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const { port } = blocker.address() as net.AddressInfo;
    try {
      writeConfig(home, `${SLOW}http: { enabled: true, port: ${port} }\n`);
      const child = startDaemon(home);
      running.push(child);
      const status = await waitFor('an error about the port', () => {
        const s = statusOf(home);
        return s?.errors.some((e: { message: string }) => e.message.includes(String(port))) ? s : null;
      });
      expect(status.is_alive).toBe(true);
      await waitFor('trading on', () => statusOf(home)?.market_time);
      child.kill('SIGTERM');
      expect((await child).exitCode).toBe(0);
    } finally {
      blocker.close();
    }
  });

  it('when LIVE_MODE=true and readiness is not GO then it logs CRITICAL, writes the kill switch and keeps paper trading', async () => {
    const home = tempHome();
    writeConfig(home, SLOW);
    const child = startDaemon(home, [], { LIVE_MODE: 'true' });
    running.push(child);
    const status = await waitFor('the kill switch in status', () => {
      const s = statusOf(home);
      return s?.risk.kill_switch && s.market_time ? s : null;
    });
    expect(fs.existsSync(path.join(home, 'data', 'live_kill_switch.txt'))).toBe(true);
    expect(status.trading_state).toBe('ACTIVE');
    // ADR 0004: the kill switch forbids live orders only; it is not a reason paper entries are blocked.
    expect(status.risk.reasons).not.toContain('kill_switch');
    expect(status.errors.some((e: { message: string }) => e.message.includes('LIVE_MODE'))).toBe(true);
    const log = fs.readFileSync(path.join(home, 'logs', 'paper_live.log'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(log.some((l) => l.level === 60 && l.msg.includes('LIVE_MODE'))).toBe(true);
    const market = Date.parse(status.market_time);
    await waitFor('paper trading going on', () => Date.parse(statusOf(home).market_time) > market);
    const health = await cli(['health', '--home', home]);
    expect(health.exitCode).toBe(2);
    child.kill('SIGTERM');
    await child;
  });

  it('when capital-preservation thresholds are configured then the daemon judges by them and the state file shows them', async () => {
    const home = tempHome();
    // CAUTION at any drawdown of 0.01 %: the first losing trade of the replay escalates.
    writeConfig(home, `${SLOW}risk:\n  capital_preservation:\n    drawdown_pct: { caution: 0.01 }\n    recovery_drawdown_pct: { caution: 0 }\n`);
    const daemon = startDaemon(home);
    running.push(daemon);
    await waitFor('CAUTION from the configured drawdown threshold', () => statusOf(home)?.risk.capital_preservation === 'CAUTION', 30_000);
    const state = JSON.parse(fs.readFileSync(path.join(home, 'data', 'capital_preservation_state.json'), 'utf8'));
    expect(state.thresholds.drawdown_pct).toEqual({ caution: 0.01, defensive: 5, lockdown: 8, crisis: 12 });
    expect(state.transitions.at(-1)).toMatchObject({ to: 'CAUTION' });
  });

  it('when a sign-off is recorded then the promotion summary shows it', async () => {
    const home = tempHome();
    const result = await cli(['production', '--home', home, '--sign-off', 'Ada Lovelace']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Ada Lovelace');
    const summary = JSON.parse(fs.readFileSync(path.join(home, 'data', 'phase2b_go_nogo_summary.json'), 'utf8'));
    expect(JSON.stringify(summary)).toContain('Ada Lovelace');
    expect((await cli(['production', '--home', home, '--sign-off', ' '])).exitCode).toBe(2);
  });
});
