import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { FSWatcher } from 'chokidar';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import type { ControlSignal } from '../../../src/control/control-signal.js';
import { ControlWatcher } from '../../../src/control/control-watcher.js';
import type { ControlWatcherOptions } from '../../../src/control/control-watcher.js';
import { controlPlane, eventually, memoryLogger, sleep, tempDir } from './harness.js';
import type { Plane, PlaneOptions } from './harness.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const planes: Plane[] = [];
const watchers: ControlWatcher[] = [];

async function plane(options: PlaneOptions = {}): Promise<Plane> {
  const p = await controlPlane(options);
  planes.push(p);
  return p;
}

/** A bare watcher whose signals are collected with the time they arrived. */
async function watcher(options: Partial<ControlWatcherOptions> = {}) {
  const signals: Array<ControlSignal & { at: number }> = [];
  const logger = memoryLogger();
  const dir = options.dir ?? tempDir();
  const w = new ControlWatcher({ logger, ...options, dir, onSignal: (s) => void signals.push({ ...s, at: performance.now() }) });
  watchers.push(w);
  await w.start();
  return { w, dir, signals, logger, kinds: () => signals.map((s) => s.kind) };
}

afterEach(async () => {
  await Promise.all([...planes.splice(0).map((p) => p.watcher.close()), ...watchers.splice(0).map((w) => w.close())]);
});

function summary(samples: number[]): string {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!.toFixed(1);
  return `n=${sorted.length} min=${at(0)} ms median=${at(0.5)} ms max=${at(1)} ms`;
}

describe('ControlWatcher: latency', () => {
  it('when events are on then file → handler latency is well under 200 ms (measured, printed)', async () => {
    const p = await plane({ pollIntervalMs: 60_000 });
    const oneShot: number[] = [];
    const level: number[] = [];
    for (let i = 0; i < 8; i++) {
      const written = p.write('FLATTEN', '');
      await eventually(() => expect(p.actions.of('flatten')).toHaveLength(i + 1));
      oneShot.push(p.actions.of('flatten')[i]!.at - written);
      await eventually(() => expect(p.rows).toHaveLength(3 * i + 1));
      expect(p.exists('FLATTEN')).toBe(false);

      const paused = p.write('PAUSE', '');
      await eventually(() => expect(p.actions.of('setPaused')).toHaveLength(2 * i + 2));
      level.push(p.actions.of('setPaused')[2 * i + 1]!.at - paused);
      const removed = performance.now();
      fs.rmSync(path.join(p.dir, 'PAUSE'));
      await eventually(() => expect(p.actions.of('setPaused')).toHaveLength(2 * i + 3));
      level.push(p.actions.of('setPaused')[2 * i + 2]!.at - removed);
    }
    console.log(`[control latency, events] one-shot FLATTEN (incl. the 50 ms stability wait): ${summary(oneShot)}`);
    console.log(`[control latency, events] PAUSE level create/delete: ${summary(level)}`);
    expect(p.actions.of('flatten')).toHaveLength(8);
  });

  it('when chokidar events are off then the 1 s poll alone still catches files', async () => {
    const p = await plane({ events: false });
    expect((p.watcher as unknown as { fsw: unknown }).fsw).toBeNull();
    const written = p.write('flatten.txt', '');
    const paused = p.write('PAUSE_TRADING', '');
    await eventually(() => expect(p.actions.of('flatten')).toHaveLength(1), 2_500);
    await eventually(() => expect(p.actions.of('setPaused').map((c) => c.arg)).toEqual([false, true]), 2_500);
    console.log(
      `[control latency, poll only] FLATTEN ${(p.actions.of('flatten')[0]!.at - written).toFixed(0)} ms, PAUSE ${(p.actions.of('setPaused')[1]!.at - paused).toFixed(0)} ms`,
    );
    await eventually(() => expect(p.rows.filter((r) => r.file === 'flatten.txt')).toHaveLength(1));
    expect(p.exists('flatten.txt')).toBe(false);
    p.write('ADJUST_RISK', '0.25');
    await eventually(() => expect(p.actions.of('adjustRisk').map((c) => c.arg)).toEqual([{ risk_multiplier: 0.25 }]), 2_500);
  });
});

describe('ControlWatcher: what it signals', () => {
  it('when started then the control folder is created and the PAUSE level is signalled once', async () => {
    const dir = path.join(tempDir(), 'nested', 'control');
    const { kinds, signals } = await watcher({ dir });
    expect(fs.statSync(dir).isDirectory()).toBe(true);
    expect(kinds()).toEqual(['PAUSE']);
    expect(signals[0]).toMatchObject({ kind: 'PAUSE', present: false, files: [] });
  });

  it('when editor, temp and rejected files appear then nothing is signalled', async () => {
    const { dir, kinds } = await watcher({ pollIntervalMs: 20 });
    for (const name of ['.FLATTEN.swp', 'FLATTEN~', '.#PAUSE', 'ADJUST_RISK.rejected', 'adjust_risk.rejected.txt', '.ADJUST_RISK.123.tmp', 'notes.txt']) {
      fs.writeFileSync(path.join(dir, name), 'x');
    }
    fs.mkdirSync(path.join(dir, 'logs'));
    fs.writeFileSync(path.join(dir, 'logs', 'FLATTEN'), '');
    await sleep(200);
    expect(kinds()).toEqual(['PAUSE']);
  });

  it('when a one-shot file stays then it is signalled once, and again only once it changes', async () => {
    const { dir, signals } = await watcher({ pollIntervalMs: 20 });
    fs.writeFileSync(path.join(dir, 'EMERGENCY_STOP'), 'one');
    await eventually(() => expect(signals).toHaveLength(2));
    await sleep(200);
    expect(signals).toHaveLength(2);
    expect(signals[1]).toMatchObject({ kind: 'EMERGENCY_STOP', file: 'EMERGENCY_STOP', path: path.join(dir, 'EMERGENCY_STOP'), content: 'one', unreadable: null });
    fs.writeFileSync(path.join(dir, 'EMERGENCY_STOP'), 'two!');
    await eventually(() => expect(signals).toHaveLength(3));
    expect(signals[2]).toMatchObject({ content: 'two!' });
  });

  it('when PAUSE is deleted twice within 100 ms then events still see the second removal (chokidar throttles repeated unlinks)', async () => {
    const p = await plane({ pollIntervalMs: 60_000 });
    const file = path.join(p.dir, 'PAUSE');
    for (let i = 0; i < 3; i++) {
      fs.writeFileSync(file, '');
      await eventually(() => expect(p.actions.of('setPaused').at(-1)!.arg).toBe(true), 200);
      fs.rmSync(file);
      await eventually(() => expect(p.actions.of('setPaused').at(-1)!.arg).toBe(false), 200);
    }
    expect(p.actions.of('setPaused').map((c) => c.arg)).toEqual([false, true, false, true, false, true, false]);
  });

  it('when chokidar reports an error then the watcher is recreated and events flow again', async () => {
    const p = await plane({ pollIntervalMs: 60_000, restartDelayMs: 20 });
    const internals = p.watcher as unknown as { fsw: FSWatcher | null };
    const first = internals.fsw!;
    first.emit('error', new Error('EMFILE: too many open files, watch'));
    await eventually(() => expect(internals.fsw).not.toBeNull());
    expect(internals.fsw).not.toBe(first);
    expect(p.logger.lines.some((l) => l.level === 'warn' && l.msg.includes('recreating'))).toBe(true);
    const written = p.write('FLATTEN', '');
    await eventually(() => expect(p.actions.of('flatten')).toHaveLength(1), 500);
    console.log(`[control latency, recreated watcher] FLATTEN ${(p.actions.of('flatten')[0]!.at - written).toFixed(1)} ms`);
  });

  it('when the control folder is deleted while running then it is recreated and still obeyed', async () => {
    const p = await plane({ pollIntervalMs: 50, restartDelayMs: 20 });
    fs.rmSync(p.dir, { recursive: true });
    await eventually(() => expect(fs.existsSync(p.dir)).toBe(true));
    await sleep(100);
    p.write('FLATTEN', '');
    await eventually(() => expect(p.actions.of('flatten')).toHaveLength(1));
  });
});

describe('ControlWatcher: close', () => {
  it('when closed then close resolves promptly, even mid stability wait, and later files are ignored', async () => {
    const { w, dir, kinds } = await watcher({ pollIntervalMs: 30 });
    fs.writeFileSync(path.join(dir, 'ADJUST_RISK'), '1');
    await sleep(15);
    const started = performance.now();
    await w.close();
    expect(performance.now() - started).toBeLessThan(100);
    fs.writeFileSync(path.join(dir, 'FLATTEN'), '');
    fs.writeFileSync(path.join(dir, 'PAUSE'), '');
    await sleep(200);
    expect(kinds()).toEqual(['PAUSE']);
    await w.close();
  });

  it('when closed while still starting then both settle and nothing is signalled', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'FLATTEN'), '');
    const signals: ControlSignal[] = [];
    const w = new ControlWatcher({ dir, logger: memoryLogger(), pollIntervalMs: 20, onSignal: (s) => void signals.push(s) });
    const starting = w.start();
    await w.close();
    await starting;
    await sleep(100);
    expect(signals).toEqual([]);
  });

  it('when closed then no timer or handle is left: a process that used it exits by itself', async () => {
    const out = tempDir('control-exit-');
    fs.writeFileSync(path.join(out, 'package.json'), '{ "type": "module" }');
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(out, 'node_modules'), 'junction');
    fs.mkdirSync(path.join(out, 'control'));
    for (const file of fs.readdirSync(path.join(ROOT, 'src', 'control'))) {
      const source = fs.readFileSync(path.join(ROOT, 'src', 'control', file), 'utf8');
      const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true } }).outputText;
      fs.writeFileSync(path.join(out, 'control', file.replace(/\.ts$/, '.js')), js);
    }
    fs.writeFileSync(
      path.join(out, 'main.js'),
      `import fs from 'node:fs';
import path from 'node:path';
import { ControlWatcher } from './control/control-watcher.js';
const dir = process.argv[2];
const noop = () => {};
const got = [];
const watcher = new ControlWatcher({ dir, logger: { debug: noop, info: noop, warn: noop, error: console.error, fatal: console.error }, pollIntervalMs: 50, onSignal: (s) => void got.push(s.kind) });
await watcher.start();
fs.writeFileSync(path.join(dir, 'FLATTEN'), '');
while (!got.includes('FLATTEN')) await new Promise((r) => setTimeout(r, 5));
fs.writeFileSync(path.join(dir, 'SHUTDOWN'), '');
await new Promise((r) => setTimeout(r, 20));
await watcher.close();
console.log(JSON.stringify({ got }));
`,
    );
    const child = spawn(process.execPath, [path.join(out, 'main.js'), tempDir()], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    let closedAt = 0;
    child.stdout.once('data', () => (closedAt = performance.now()));
    const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    clearTimeout(killer);
    const exitAfterCloseMs = performance.now() - closedAt;
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ got: ['PAUSE', 'FLATTEN'] });
    // A leaked 50 ms poll or a chokidar handle would keep the process up until the 10 s kill.
    expect(exitAfterCloseMs).toBeLessThan(2_000);
  });
});
