import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { FAST_REPLAY, cli, heartbeatOf, startDaemon, statusOf, tempHome, waitFor, writeConfig } from '../support/daemon.js';

const running: Array<{ kill: (signal?: NodeJS.Signals) => boolean }> = [];
afterEach(() => {
  for (const child of running.splice(0)) {
    child.kill('SIGCONT');
    child.kill('SIGKILL');
  }
});

describe('paperlive status', () => {
  it('when nothing ever ran in the home then it says not running and exits 2', async () => {
    const home = tempHome();
    const result = await cli(['status', '--home', home, '--json']);
    expect(result.exitCode).toBe(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ verdict: 'not_running', heartbeat_age_s: null, status: null, heartbeat: null });
  });

  it('when the daemon runs then it exits 0, and when its process is frozen then the heartbeat goes stale and it exits 1', async () => {
    const home = tempHome();
    writeConfig(home, FAST_REPLAY.replace('speed: max', 'speed: 600'));
    const child = startDaemon(home);
    running.push(child);
    await waitFor('a heartbeat', () => heartbeatOf(home));
    const alive = await cli(['status', '--home', home, '--json']);
    expect(alive.exitCode).toBe(0);
    const report = JSON.parse(alive.stdout);
    expect(report.verdict).toBe('alive');
    expect(report.status.pid).toBe(child.pid);
    expect(report.heartbeat_age_s).toBeLessThan(2);

    child.kill('SIGSTOP');
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const stale = await cli(['status', '--home', home]);
    expect(stale.exitCode).toBe(1);
    expect(stale.stdout).toContain('paperlive stale');
    child.kill('SIGCONT');

    child.kill('SIGTERM');
    await child;
    const gone = await cli(['status', '--home', home]);
    expect(gone.exitCode).toBe(2);
    expect(statusOf(home).trading_state).toBe('STOPPED');
  });

  it('when PAPERLIVE_HOME is set then it is the home, and the README jq recipes work on the real file', async () => {
    const home = tempHome();
    writeConfig(home, FAST_REPLAY.replace('speed: max', 'speed: 6000'));
    const child = startDaemon(home);
    running.push(child);
    await waitFor('a signal in status', () => statusOf(home)?.last_signal);
    const viaEnv = await cli(['status', '--json'], { env: { PAPERLIVE_HOME: home } });
    expect(JSON.parse(viaEnv.stdout).status.pid).toBe(child.pid);

    const jq = (filter: string, ...flags: string[]) => execa('jq', [...flags, filter, `${home}/logs/status.json`], { reject: false });
    expect((await jq('.is_alive')).stdout).toBe('true');
    expect(Number((await jq('.account.equity')).stdout)).toBeGreaterThan(0);
    expect((await jq('.risk | {can_trade, reasons}', '-c')).exitCode).toBe(0);
    expect((await jq('.active_positions[] | [.symbol, .quantity, .unrealized_pnl] | @tsv', '-r')).exitCode).toBe(0);
    const age = await execa('jq', ['-r', '(now - (.timestamp | sub("\\\\.[0-9]+Z$"; "Z") | fromdate)) | floor', `${home}/data/rl/paper_live_heartbeat.json`], { reject: false });
    expect(age.exitCode).toBe(0);
    expect(Number(age.stdout)).toBeLessThan(5);
    child.kill('SIGTERM');
    await child;
  });
});
