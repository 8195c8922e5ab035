import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execa, execaSync } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, FAST_REPLAY, ROOT, heartbeatOf, readLines, statusOf, tempHome, waitFor, writeConfig } from '../support/daemon.js';

/**
 * The real pm2 (devDependency) driving the real daemon through ecosystem.config.cjs.
 * Its own PM2_HOME in a temp folder, so a developer's pm2 is never touched.
 */
const PM2 = path.join(ROOT, 'node_modules', '.bin', 'pm2');
const ECOSYSTEM = path.join(ROOT, 'ecosystem.config.cjs');
const PM2_HOME = fs.mkdtempSync(path.join(os.tmpdir(), 'pm2-'));
/** Slow enough to keep running for the whole test, fast enough to produce candles at once. */
const SLOW_REPLAY = FAST_REPLAY.replace('speed: max', 'speed: 600');
/** How long an app must stay down to prove pm2 will not restart it (its first backoff is 100 ms). */
const STAYS_DOWN_MS = 2500;

type Pm2App = { name: string; pid: number; pm2_env: { status: string; restart_time: number; exit_code?: number } };

function pm2(args: string[], env: Record<string, string> = {}) {
  return execa(PM2, args, { reject: false, env: { PM2_HOME, ...env }, cwd: ROOT, stdin: 'ignore', timeout: 30_000 });
}

function appInfo(name: string): Pm2App | undefined {
  const { stdout } = execaSync(PM2, ['jlist'], { env: { PM2_HOME }, stdin: 'ignore', timeout: 10_000 });
  const json = stdout.split('\n').find((line) => line.startsWith('['));
  return (JSON.parse(json ?? '[]') as Pm2App[]).find((app) => app.name === name);
}

function startApp(name: string, home: string) {
  return pm2(['start', ECOSYSTEM], { PAPERLIVE_HOME: home, PAPERLIVE_APP_NAME: name });
}

function pidFileOf(home: string): number | undefined {
  try {
    return Number(fs.readFileSync(path.join(home, 'logs', 'paper_live.pid'), 'utf8'));
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pid once the heartbeat, the pid file and pm2 all name the same live process (other than `not`). */
function waitForAgreedPid(name: string, home: string, not?: number): Promise<number> {
  return waitFor(
    `heartbeat, pid file and pm2 to agree on a live daemon${not ? ` other than ${not}` : ''}`,
    () => {
      const heartbeat = heartbeatOf(home);
      if (heartbeat?.status !== 'alive' || heartbeat.pid === not || heartbeat.pid !== pidFileOf(home)) return null;
      const app = appInfo(name);
      return app !== undefined && app.pid === heartbeat.pid && app.pm2_env.status === 'online' && isAlive(heartbeat.pid) ? (heartbeat.pid as number) : null;
    },
    20_000,
    100,
  );
}

function waitForExit(name: string, code: number): Promise<Pm2App> {
  return waitFor(`pm2 to record exit code ${code} for ${name}`, () => {
    const app = appInfo(name);
    return app?.pm2_env.exit_code === code && app.pid === 0 ? app : null;
  }, 10_000, 100);
}

/**
 * Proves pm2 left the app down. pm2 6 shows such an app as `waiting restart` when
 * exp_backoff_restart_delay is set (it sets that status before it checks stop_exit_codes,
 * then schedules nothing), so the proof is the pid and the restart count, not the word.
 */
async function expectStaysDown(name: string, before: Pm2App): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, STAYS_DOWN_MS));
  const after = appInfo(name)!;
  expect(after.pid).toBe(0);
  expect(after.pm2_env.restart_time).toBe(before.pm2_env.restart_time);
  expect(['stopped', 'errored', 'waiting restart']).toContain(after.pm2_env.status);
}

function countLines(file: string, text: string): number {
  return readLines(file).filter((line) => line.includes(text)).length;
}

beforeAll(async () => {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  expect((await pm2(['ping'])).exitCode).toBe(0);
});

afterAll(async () => {
  await pm2(['kill']);
  fs.rmSync(PM2_HOME, { recursive: true, force: true });
});

describe('pm2 with ecosystem.config.cjs', () => {
  it('when the daemon is killed with -9 then pm2 restarts it and heartbeat, pid file and pm2 agree on the new pid; pm2 stop is a clean stop', async () => {
    const home = tempHome();
    writeConfig(home, SLOW_REPLAY);
    expect((await startApp('pl-kill', home)).exitCode).toBe(0);
    const first = await waitForAgreedPid('pl-kill', home);

    process.kill(first, 'SIGKILL');
    const second = await waitForAgreedPid('pl-kill', home, first);
    expect(second).not.toBe(first);
    // pm2 records a death by signal as exit code 0: why 0 must never be in stop_exit_codes.
    expect(appInfo('pl-kill')).toMatchObject({ pid: second, pm2_env: { status: 'online', restart_time: 1, exit_code: 0 } });

    expect((await pm2(['stop', 'pl-kill'])).exitCode).toBe(0);
    expect(appInfo('pl-kill')).toMatchObject({ pid: 0, pm2_env: { status: 'stopped' } });
    expect(isAlive(second)).toBe(false);
    expect(heartbeatOf(home)).toMatchObject({ pid: second, status: 'stopped' });
    expect(pidFileOf(home)).toBeUndefined();
    const log = readLines(path.join(home, 'logs', 'paper_live.log')).map((line) => JSON.parse(line));
    expect(log.some((line) => line.pid === second && line.reason === 'pm2 shutdown message')).toBe(true);
    expect(readLines(path.join(home, 'logs', 'pm2_out.log'))[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d: /);
  });

  it('when EMERGENCY_STOP is present at start then the daemon exits 4 and pm2 leaves it stopped', async () => {
    const home = tempHome();
    writeConfig(home, SLOW_REPLAY);
    expect((await startApp('pl-estop-start', home)).exitCode).toBe(0);
    const pid = await waitForAgreedPid('pl-estop-start', home);
    expect((await pm2(['stop', 'pl-estop-start'])).exitCode).toBe(0);

    fs.writeFileSync(path.join(home, 'EMERGENCY_STOP'), 'test\n');
    expect((await startApp('pl-estop-start', home)).exitCode).toBe(0);
    const down = await waitForExit('pl-estop-start', 4);
    await expectStaysDown('pl-estop-start', down);
    expect(countLines(path.join(home, 'logs', 'pm2_err.log'), 'EMERGENCY_STOP is present')).toBe(1);
    expect(heartbeatOf(home)).toMatchObject({ pid, status: 'stopped' });
    expect(pidFileOf(home)).toBeUndefined();
  });

  it('when EMERGENCY_STOP appears while it runs then the daemon exits 4 and pm2 leaves it stopped', async () => {
    const home = tempHome();
    writeConfig(home, SLOW_REPLAY);
    expect((await startApp('pl-estop-live', home)).exitCode).toBe(0);
    const pid = await waitForAgreedPid('pl-estop-live', home);

    fs.writeFileSync(path.join(home, 'EMERGENCY_STOP'), 'test\n');
    const down = await waitForExit('pl-estop-live', 4);
    await expectStaysDown('pl-estop-live', down);
    expect(isAlive(pid)).toBe(false);
    expect(statusOf(home)).toMatchObject({ pid, is_alive: false, trading_state: 'EMERGENCY_STOPPED' });
    expect(heartbeatOf(home)).toMatchObject({ pid, status: 'stopped' });
  });

  it('when the config has an unknown key then the daemon exits 78 once and pm2 does not restart-loop', async () => {
    const home = tempHome();
    writeConfig(home, `${SLOW_REPLAY}no_such_key: 1\n`);
    expect((await startApp('pl-badconfig', home)).exitCode).toBe(0);
    const down = await waitForExit('pl-badconfig', 78);
    expect(down.pm2_env.restart_time).toBe(0);
    await expectStaysDown('pl-badconfig', down);
    expect(countLines(path.join(home, 'logs', 'pm2_err.log'), 'no_such_key')).toBe(1);
  });

  it('when PAPERLIVE_CONFIG names a missing file then pm2 start fails at once with that sentence and starts nothing', async () => {
    const home = tempHome();
    const result = await pm2(['start', ECOSYSTEM], { PAPERLIVE_HOME: home, PAPERLIVE_APP_NAME: 'pl-noconfig', PAPERLIVE_CONFIG: 'configs/missing.yaml' });
    expect(result.exitCode).not.toBe(0);
    expect(`${result.stdout}\n${result.stderr}`).toContain('PAPERLIVE_CONFIG points to');
    expect(appInfo('pl-noconfig')).toBeUndefined();
  });
});
