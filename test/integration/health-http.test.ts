import net from 'node:net';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { startHttpServer, type HttpServerHandle } from '../../src/app/http-server.js';
import { readSafetyLedger } from '../../src/persistence/sqlite-safety-store.js';
import type { Logger } from '../../src/ports/logger.js';
import { evaluateReadiness } from '../../src/readiness/evaluate-readiness.js';
import { loadReadinessInput } from '../../src/readiness/load-readiness.js';
import { ROOT, tempHome } from '../support/daemon.js';
import { readyHome } from '../unit/readiness/home-fixture.js';

/** A logger that keeps what it was told. */
function memoryLogger(): Logger & { lines: Array<{ level: string; args: unknown[] }> } {
  const lines: Array<{ level: string; args: unknown[] }> = [];
  const at = (level: string) => (...args: unknown[]) => void lines.push({ level, args });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), fatal: at('fatal') } as Logger & { lines: typeof lines };
}

const open: HttpServerHandle[] = [];
afterEach(async () => {
  for (const server of open.splice(0)) await server.close();
});

async function serve(overrides: Partial<Parameters<typeof startHttpServer>[0]> = {}) {
  const logger = memoryLogger();
  const server = await startHttpServer({
    host: '127.0.0.1',
    port: 0,
    readiness: () => ({ live_rollout_readiness: 'CONDITIONAL' }),
    status: () => ({ schema_version: 1, is_alive: true }),
    live: () => ({ status: 'alive', pid: process.pid }),
    logger,
    ...overrides,
  });
  open.push(server);
  return { server, logger, url: (p: string) => `http://127.0.0.1:${server.port}${p}` };
}

describe('HTTP server on loopback', () => {
  it.each([
    ['/health/readiness', { live_rollout_readiness: 'CONDITIONAL' }],
    ['/health/live', { status: 'alive', pid: process.pid }],
    ['/status', { schema_version: 1, is_alive: true }],
    ['/status?pretty=1', { schema_version: 1, is_alive: true }],
  ])('when GET %s then it answers 200 with that JSON', async (route, body) => {
    const { url } = await serve();
    const res = await fetch(url(route));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual(body);
  });

  it.each([['/'], ['/health'], ['/status/'], ['/health/readiness/x']])('when GET %s then it answers 404 with a hint', async (route) => {
    const { url } = await serve();
    const res = await fetch(url(route));
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: string }).error).toContain('GET /health/readiness');
  });

  it.each([['POST'], ['PUT'], ['DELETE'], ['PATCH']])('when %s /status then it answers 405 and allows GET only', async (method) => {
    const { url } = await serve();
    const res = await fetch(url('/status'), { method });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD');
  });

  it('when a route throws then it answers 500 with the message, logs it, and keeps serving', async () => {
    const { url, logger } = await serve({
      status: () => {
        throw new Error('status.json is being rebuilt');
      },
    });
    const res = await fetch(url('/status'));
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ error: 'status.json is being rebuilt' });
    expect(logger.lines.some((l) => l.level === 'error')).toBe(true);
    expect((await fetch(url('/health/live'))).status).toBe(200);
  });

  it('when the port is already in use then it resolves with an error to log and put in status, and the other server keeps serving', async () => {
    const first = await serve();
    const { server, logger } = await serve({ port: first.server.port! });
    expect(server.port).toBeNull();
    expect(server.error?.message).toBe(`HTTP server could not listen on 127.0.0.1:${first.server.port} (the port is already in use); running on without HTTP`);
    expect(logger.lines.filter((l) => l.level === 'error')).toHaveLength(1);
    await server.close();
    expect((await fetch(first.url('/health/live'))).status).toBe(200);
  });

  it('when closed with a keep-alive connection open then it closes at once and the port is free again', async () => {
    const { server, url } = await serve();
    await fetch(url('/status'));
    const port = server.port!;
    const started = Date.now();
    await server.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect(fetch(url('/status'))).rejects.toThrow();
    const probe = net.createServer();
    await new Promise<void>((resolve, reject) => probe.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
    await new Promise((resolve) => probe.close(resolve));
  });

  it('when serving a real home then /health/readiness gives the same verdict as the health command', async () => {
    const { home, paths } = readyHome({ signOff: null });
    const { url } = await serve({ readiness: () => evaluateReadiness(loadReadinessInput({ paths, env: {}, now: Date.now(), ledger: readSafetyLedger(paths.ledger) })) });
    const body = (await (await fetch(url('/health/readiness'))).json()) as Record<string, unknown>;
    expect(body).toMatchObject({ overall_readiness: 'GO', live_rollout_readiness: 'CONDITIONAL', live_rollout_reasons: ['Human sign-off not recorded'] });
    const cli = JSON.parse((await health(['--home', home, '--json'])).stdout) as Record<string, unknown>;
    // The same report, measured a moment later (ages may differ by a second).
    const verdicts = (r: Record<string, unknown>) => ({ ...r, components: Object.fromEntries(Object.entries(r.components as Record<string, { status?: string }>).map(([k, v]) => [k, v.status])) });
    expect(verdicts(cli)).toEqual(verdicts(body));
  });
});

/** Spawns the built health command in a real process, as main.ts will (its registration comes later). */
function health(args: string[], env: Record<string, string> = {}) {
  const script = "import('./dist/cli/commands/health.js').then(m => m.healthCommand(process.argv.slice(1))).then(c => process.exit(c), e => {console.error(e.message); process.exit(e.exitCode ?? 1)})";
  return execa('node', ['--input-type=module', '-e', script, '--', ...args], { cwd: ROOT, reject: false, env: { LIVE_MODE: '', LIVE_KILL_SWITCH: '', LIVE_SYMBOL_ALLOWLIST: '', ...env }, stdin: 'ignore' });
}

describe('paperlive health', () => {
  it('when the home is empty then it is NO_GO, exit 2, and the JSON is the readiness object', async () => {
    const result = await health(['--home', tempHome(), '--json']);
    expect(result.exitCode).toBe(2);
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report).sort()).toEqual(['components', 'live_rollout_next_actions', 'live_rollout_readiness', 'live_rollout_reasons', 'overall_readiness']);
    expect(report.live_rollout_readiness).toBe('NO_GO');
    expect(report.live_rollout_reasons).toContain('Daily health reports missing in last 24h');
  });

  it('when every criterion is met then it is GO and exits 0', async () => {
    const result = await health(['--home', readyHome().home, '--json']);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ live_rollout_readiness: 'GO', live_rollout_reasons: ['All live rollout criteria met'] });
  });

  it.each<[string, Parameters<typeof readyHome>[0], Record<string, string>, number, string]>([
    ['nobody signed off', { signOff: null }, {}, 1, 'Human sign-off not recorded'],
    ['the streak is 13 days', { days: 13 }, {}, 1, 'PAPER_LIVE streak (13 days) below minimum (14 days)'],
    ['the heartbeat is 3 h old', { heartbeatAgeMs: 3 * 3_600_000 }, {}, 1, 'Shadow collector heartbeat not recent'],
    ['turnover blocks 80 %', { turnoverBlocked: 0.8 }, {}, 1, 'Turnover block rate (80.0%) exceeds 70%'],
    ['trades paid no fee', { trades: [{ fees: 0 }] }, {}, 1, 'Execution realism degradation detected'],
    ['the kill switch file exists', { killSwitchFile: true }, {}, 2, 'Kill switch is active'],
    ['LIVE_KILL_SWITCH is set', {}, { LIVE_KILL_SWITCH: '1' }, 2, 'Kill switch is active'],
    ['capital preservation is in LOCKDOWN', { level: 'LOCKDOWN' }, {}, 2, 'Capital preservation in LOCKDOWN/CRISIS mode'],
    ['the daily report is CRITICAL', { dailyReport: { overall_health: 'CRITICAL', critical: 1 } }, {}, 2, 'Shadow data collection health is CRITICAL'],
    ['LIVE_MODE is on without an allowlist', {}, { LIVE_MODE: 'true' }, 2, 'Live mode enabled but symbol allowlist is empty'],
    ['no daily report was written', { dailyReport: null }, {}, 2, 'Daily health reports missing in last 24h'],
  ])('when %s then the exit code carries the verdict and the output says why and what to do', async (_, setup, env, code, reason) => {
    const { home } = readyHome(setup);
    const result = await health(['--home', home], env);
    expect(result.exitCode).toBe(code);
    expect(result.stdout).toContain(`live rollout readiness: ${code === 1 ? 'CONDITIONAL' : 'NO_GO'}`);
    expect(result.stdout).toContain(`Reasons:\n  - ${reason}`);
    expect(result.stdout).toMatch(/Next actions:\n {2}- \S/);
  });

  it('when --quiet then it prints nothing and the exit code still carries the verdict', async () => {
    const quietNoGo = await health(['--home', tempHome(), '--quiet']);
    expect(quietNoGo).toMatchObject({ exitCode: 2, stdout: '', stderr: '' });
    const quietGo = await health(['--home', readyHome().home, '--quiet', '--json']);
    expect(quietGo).toMatchObject({ exitCode: 0, stdout: '' });
  });

  it('when the home is given by PAPERLIVE_HOME then it is used', async () => {
    const result = await health(['--json'], { PAPERLIVE_HOME: readyHome().home });
    expect(result.exitCode).toBe(0);
  });

  it('when an unknown flag is given then it is a usage error naming it (main.ts maps it to exit 2)', async () => {
    const result = await health(['--home', tempHome(), '--verbose']);
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain('paperlive health: Unknown option \'--verbose\'');
  });
});
