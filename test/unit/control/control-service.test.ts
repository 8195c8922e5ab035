import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import type { Plane, PlaneOptions } from './harness.js';
import { ControlService } from '../../../src/control/control-service.js';
import { controlPlane, eventually, memoryLogger, recordingActions, sleep } from './harness.js';

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');
const planes: Plane[] = [];

async function plane(options: PlaneOptions = {}): Promise<Plane> {
  const p = await controlPlane(options);
  planes.push(p);
  return p;
}

afterEach(async () => {
  await Promise.all(planes.splice(0).map((p) => p.watcher.close()));
});

describe('ControlService: ADJUST_RISK', () => {
  it.each([
    ['a word', 'abc', /neither a number nor a YAML mapping/],
    ['above max_multiplier', '3', /risk_multiplier "3" is out of range/],
    ['a negative number', '-0.5', /risk_multiplier "-0.5" is negative/],
    ['NaN', 'NaN', /"NaN"/],
    ['infinity', '.inf', /".inf" is not a plain decimal number/],
    ['empty content', '', /empty/],
    ['only whitespace', ' \n', /empty/],
    ['a YAML list', '- 0.5\n- 1\n', /YAML list/],
    ['a nested mapping', 'risk_multiplier:\n  value: 1\n', /risk_multiplier is a nested list or mapping/],
    ['an unknown key', 'risk_multiplier: 1\nleverage: 10\n', /unknown key "leverage"/],
    ['a wrong type', 'max_open_positions: two\n', /max_open_positions "two" is text, not a number/],
    ['a fractional position count', 'max_open_positions: 1.5\n', /max_open_positions "1.5" is out of range/],
    ['a percentage out of range', 'risk_per_trade_pct: 6\n', /risk_per_trade_pct "6" is out of range/],
    ['a duplicate key', 'risk_multiplier: 1\nrisk_multiplier: 0.5\n', /more than once/],
    ['one bad key among good ones', 'risk_multiplier: 1\nrisk_per_trade_pct: 0.3\nmax_portfolio_heat_pct: 0\n', /max_portfolio_heat_pct "0" is out of range/],
    ['YAML with a custom tag', 'risk_multiplier: !!js/eval "process.exit(1)"\n', /tag|not valid YAML/],
  ])('when it holds %s then it is renamed to ADJUST_RISK.rejected and nothing is applied', async (_what, content, reason) => {
    const p = await plane();
    p.write('ADJUST_RISK', content);
    await eventually(() => expect(p.rows).toHaveLength(1));
    expect(p.actions.of('adjustRisk')).toEqual([]);
    expect(p.exists('ADJUST_RISK')).toBe(false);
    expect(p.read('ADJUST_RISK.rejected')).toBe(content);
    const row = p.rows[0]!;
    expect(row).toMatchObject({ file: 'ADJUST_RISK', result: 'rejected', content, digest: sha256(content) });
    expect(row.reason).toMatch(reason);
    expect(p.service.lastRejected).toMatchObject({ file: 'ADJUST_RISK', result: 'rejected', reason: row.reason, content });
    expect(p.service.lastApplied).toBeNull();
    expect(p.logger.lines.some((l) => l.level === 'warn' && l.msg.includes('rejected') && JSON.stringify(l.obj).includes(row.digest))).toBe(true);
  });

  it.each([
    ['a NUL byte', Buffer.from('0.5\u0000\u0000', 'utf8')],
    ['invalid UTF-8', Buffer.from([0x30, 0x2e, 0x35, 0xff, 0xfe, 0xc3])],
    ['UTF-16 with a BOM (Notepad "Unicode")', Buffer.from('\ufeff0.5', 'utf16le')],
  ])('when it holds binary content (%s) then it is rejected as binary and renamed', async (_what, bytes) => {
    const p = await plane();
    p.write('ADJUST_RISK.txt', bytes);
    await eventually(() => expect(p.rows).toHaveLength(1));
    expect(p.actions.of('adjustRisk')).toEqual([]);
    expect(p.rows[0]).toMatchObject({ file: 'ADJUST_RISK.txt', result: 'rejected', content: '', digest: sha256(bytes) });
    expect(p.rows[0]!.reason).toMatch(/ADJUST_RISK.txt holds binary data/);
    expect(fs.readFileSync(path.join(p.dir, 'ADJUST_RISK.rejected'))).toEqual(bytes);
  });

  it('when it is a 5 MB blob then it is rejected for its size, renamed, and only its first 64 KiB are read', async () => {
    const p = await plane();
    const blob = Buffer.alloc(5 * 1024 * 1024, '0.5\n');
    p.write('ADJUST_RISK', blob);
    await eventually(() => expect(p.rows).toHaveLength(1));
    expect(p.actions.of('adjustRisk')).toEqual([]);
    expect(p.rows[0]!.reason).toMatch(/ADJUST_RISK is 5242880 bytes, more than the 65536 a control file may hold, so it was not read/);
    expect(p.rows[0]).toMatchObject({ result: 'rejected', content: '', digest: sha256(blob.subarray(0, 65536)) });
    expect(fs.statSync(path.join(p.dir, 'ADJUST_RISK.rejected')).size).toBe(blob.length);
  });

  // NTFS would reserve the space instead of leaving a hole.
  it.skipIf(process.platform === 'win32')('when it is a 16 GiB sparse file then it is rejected within a second: it is never read whole', async () => {
    const p = await plane();
    const file = path.join(p.dir, 'ADJUST_RISK');
    const started = performance.now();
    fs.closeSync(fs.openSync(file, 'w'));
    fs.truncateSync(file, 16 * 1024 ** 3);
    await eventually(() => expect(p.rows).toHaveLength(1), 1_000);
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(p.rows[0]!.reason).toMatch(/is 17179869184 bytes/);
  });

  it('when an older ADJUST_RISK.rejected exists then the new rejection replaces it', async () => {
    const p = await plane({ before: { 'ADJUST_RISK.rejected': 'old' } });
    p.write('adjust_risk.txt', '7');
    await eventually(() => expect(p.rows).toHaveLength(1));
    expect(p.read('ADJUST_RISK.rejected')).toBe('7');
    expect(fs.readdirSync(p.dir).sort()).toEqual(['ADJUST_RISK.rejected']);
  });

  it('when it holds a valid number then the multiplier is applied, the file deleted and the event recorded', async () => {
    const p = await plane();
    p.write('ADJUST_RISK', '0.5\n');
    await eventually(() => expect(p.rows).toHaveLength(1));
    expect(p.actions.of('adjustRisk').map((c) => c.arg)).toEqual([{ risk_multiplier: 0.5 }]);
    expect(p.exists('ADJUST_RISK')).toBe(false);
    expect(p.exists('ADJUST_RISK.rejected')).toBe(false);
    expect(p.rows[0]).toEqual({ at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/), file: 'ADJUST_RISK', digest: sha256('0.5\n'), content: '0.5\n', result: 'applied', reason: 'applied risk_multiplier=0.5' });
    expect(p.rows[0]!.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(p.service.statusView()).toEqual({ last_applied: { file: 'ADJUST_RISK', at: p.rows[0]!.at, content: '0.5\n', result: 'applied', reason: 'applied risk_multiplier=0.5' }, last_rejected: null });
    expect(p.statusWrites()).toBeGreaterThanOrEqual(1);
  });

  it('when it holds a valid mapping then all of it is applied at once and the file deleted', async () => {
    const p = await plane();
    p.write('Adjust_Risk.TXT', 'risk_multiplier: 1.5\nrisk_per_trade_pct: 0.25\nmax_open_positions: 2\nmax_portfolio_heat_pct: 4\n');
    await eventually(() => expect(p.rows).toHaveLength(1));
    expect(p.actions.of('adjustRisk').map((c) => c.arg)).toEqual([{ risk_multiplier: 1.5, risk_per_trade_pct: 0.25, max_open_positions: 2, max_portfolio_heat_pct: 4 }]);
    expect(p.exists('Adjust_Risk.TXT')).toBe(false);
    expect(p.rows[0]).toMatchObject({ file: 'Adjust_Risk.TXT', result: 'applied' });
  });

  it('when it is written in pieces ("0." then "5" 20 ms later) then it is read once, as 0.5', async () => {
    const p = await plane();
    const file = path.join(p.dir, 'ADJUST_RISK');
    fs.writeFileSync(file, '0.');
    await sleep(20);
    fs.appendFileSync(file, '5');
    await eventually(() => expect(p.rows).toHaveLength(1));
    await sleep(100);
    expect(p.actions.of('adjustRisk').map((c) => c.arg)).toEqual([{ risk_multiplier: 0.5 }]);
    expect(p.rows).toHaveLength(1);
    expect(p.rows[0]).toMatchObject({ result: 'applied', content: '0.5' });
  });

  it('when `echo 0.5 > ADJUST_RISK` creates it empty first then the stability wait sees the content', async () => {
    const p = await plane();
    const file = path.join(p.dir, 'ADJUST_RISK');
    fs.closeSync(fs.openSync(file, 'w'));
    await sleep(15);
    fs.appendFileSync(file, '1.25\n');
    await eventually(() => expect(p.rows).toHaveLength(1));
    expect(p.actions.of('adjustRisk').map((c) => c.arg)).toEqual([{ risk_multiplier: 1.25 }]);
  });

  it('when applying the values fails then it is recorded as rejected and renamed', async () => {
    const p = await plane();
    p.actions.adjustRisk = () => {
      throw new Error('database is locked');
    };
    p.write('ADJUST_RISK', '1');
    await eventually(() => expect(p.rows).toHaveLength(1));
    expect(p.rows[0]).toMatchObject({ result: 'rejected', reason: 'risk_multiplier=1 could not be applied (database is locked); nothing changed' });
    expect(p.exists('ADJUST_RISK.rejected')).toBe(true);
  });

  it('when the content is long then the ledger, log and status keep only its first 200 characters', async () => {
    const p = await plane();
    const content = `# ${'x'.repeat(1_000)}\nleverage: 3\n`;
    p.write('ADJUST_RISK', content);
    await eventually(() => expect(p.rows).toHaveLength(1));
    expect(p.rows[0]!.content).toBe(`${content.slice(0, 200)}…`);
    expect(p.rows[0]!.digest).toBe(sha256(content));
    expect(p.service.lastRejected!.content).toHaveLength(201);
  });
});

describe('ControlService: PAUSE', () => {
  it('when PAUSE is created and deleted then trading is paused and resumed, each recorded', async () => {
    const p = await plane({ pollIntervalMs: 60_000 });
    expect(p.actions.of('setPaused').map((c) => c.arg)).toEqual([false]);
    expect(p.rows).toEqual([]);
    p.write('PAUSE', '');
    await eventually(() => expect(p.actions.of('setPaused').map((c) => c.arg)).toEqual([false, true]));
    fs.rmSync(path.join(p.dir, 'PAUSE'));
    await eventually(() => expect(p.actions.of('setPaused').map((c) => c.arg)).toEqual([false, true, false]));
    expect(p.rows.map((r) => [r.file, r.result, r.reason])).toEqual([
      ['PAUSE', 'applied', 'paused: PAUSE present, so no new entries; open positions are still managed'],
      ['PAUSE', 'applied', 'resumed: PAUSE no longer present'],
    ]);
    expect(p.rows.every((r) => r.digest === sha256(''))).toBe(true);
  });

  it('when two PAUSE aliases exist then removing one keeps trading paused', async () => {
    const p = await plane({ before: { 'PAUSE_TRADING.txt': '', pause: '' } });
    expect(p.actions.of('setPaused').map((c) => c.arg)).toEqual([true]);
    fs.rmSync(path.join(p.dir, 'pause'));
    await sleep(150);
    expect(p.actions.of('setPaused').map((c) => c.arg)).toEqual([true]);
    fs.rmSync(path.join(p.dir, 'PAUSE_TRADING.txt'));
    await eventually(() => expect(p.actions.of('setPaused').map((c) => c.arg)).toEqual([true, false]));
    expect(p.rows.map((r) => r.reason)).toEqual([
      'paused: PAUSE_TRADING.txt, pause present, so no new entries; open positions are still managed',
      'resumed: PAUSE_TRADING.txt, pause no longer present',
    ]);
  });

  it('when a folder is named PAUSE then it is not a pause', async () => {
    const dir = (await plane({ start: false })).dir;
    fs.mkdirSync(path.join(dir, 'PAUSE'));
    const p = await plane({ dir });
    expect(p.actions.of('setPaused').map((c) => c.arg)).toEqual([false]);
  });
});

describe('ControlService: FLATTEN, SHUTDOWN, EMERGENCY_STOP', () => {
  it('when FLATTEN is seen by events and by a busy poll then flatten runs once and the file is deleted after it', async () => {
    const p = await plane({ pollIntervalMs: 10, slowActionsMs: 100 });
    let presentDuringFlatten: boolean | null = null;
    const flatten = p.actions.flatten;
    p.actions.flatten = () => {
      presentDuringFlatten = p.exists('FLATTEN_ALL.txt');
      return flatten();
    };
    p.write('FLATTEN_ALL.txt', '');
    await eventually(() => expect(p.rows).toHaveLength(1));
    await sleep(300);
    expect(p.actions.of('flatten')).toHaveLength(1);
    expect(presentDuringFlatten).toBe(true);
    expect(p.exists('FLATTEN_ALL.txt')).toBe(false);
    expect(p.rows[0]).toMatchObject({ file: 'FLATTEN_ALL.txt', result: 'applied', digest: sha256('') });
  });

  it('when FLATTEN is re-created after it was handled then it is handled again', async () => {
    const p = await plane();
    p.write('FLATTEN', '');
    // The row is written once the delete completed; the file vanishes a moment before that.
    await eventually(() => expect(p.rows).toHaveLength(1));
    expect(p.exists('FLATTEN')).toBe(false);
    p.write('FLATTEN', 'again');
    await eventually(() => expect(p.rows).toHaveLength(2));
    expect(p.exists('FLATTEN')).toBe(false);
    expect(p.actions.of('flatten')).toHaveLength(2);
    expect(p.rows.map((r) => r.content)).toEqual(['', 'again']);
  });

  it('when flatten fails then it is recorded as rejected and the file is left in place', async () => {
    const p = await plane();
    p.actions.flatten = () => Promise.reject(new Error('broker unavailable'));
    p.write('FLATTEN', '');
    await eventually(() => expect(p.rows).toHaveLength(1));
    expect(p.rows[0]).toMatchObject({ result: 'rejected', reason: 'flatten failed: broker unavailable; FLATTEN was left in place' });
    expect(p.exists('FLATTEN')).toBe(true);
  });

  it('when SHUTDOWN appears then the file is deleted, the event recorded, and then shutdown is called', async () => {
    const p = await plane();
    const seen: Array<{ fileExists: boolean; rows: number }> = [];
    p.actions.shutdown = () => void seen.push({ fileExists: p.exists('shutdown.txt'), rows: p.rows.length });
    p.write('shutdown.txt', '');
    await eventually(() => expect(seen).toHaveLength(1));
    expect(seen[0]).toEqual({ fileExists: false, rows: 1 });
    expect(p.rows[0]).toMatchObject({ file: 'shutdown.txt', result: 'applied' });
  });

  it('when EMERGENCY_STOP appears then emergencyStop is called once, the latch file stays, and later requests are left alone', async () => {
    const p = await plane({ pollIntervalMs: 20 });
    p.write('EMERGENCY_STOP.txt', 'STOP\n');
    await eventually(() => expect(p.actions.of('emergencyStop')).toHaveLength(1));
    expect(p.rows[0]).toMatchObject({ file: 'EMERGENCY_STOP.txt', result: 'applied', content: 'STOP\n', digest: sha256('STOP\n') });
    p.write('EMERGENCY_STOP.txt', 'STOP STOP\n');
    p.write('FLATTEN', '');
    await sleep(250);
    expect(p.actions.of('emergencyStop')).toHaveLength(1);
    expect(p.actions.of('flatten')).toHaveLength(0);
    expect(p.exists('EMERGENCY_STOP.txt')).toBe(true);
    expect(p.exists('FLATTEN')).toBe(true);
    expect(p.rows).toHaveLength(1);
  });
});

describe('ControlService: start-up and transports', () => {
  it('when files are present before the watcher starts then they are handled before start() resolves', async () => {
    const p = await plane({ before: { PAUSE: '', ADJUST_RISK: 'risk_per_trade_pct: 0.2\n', FLATTEN: '' } });
    expect(p.actions.of('setPaused').map((c) => c.arg)).toEqual([true]);
    expect(p.actions.of('adjustRisk').map((c) => c.arg)).toEqual([{ risk_per_trade_pct: 0.2 }]);
    expect(p.actions.of('flatten')).toHaveLength(1);
    expect(fs.readdirSync(p.dir)).toEqual(['PAUSE']);
  });

  it('when another transport asks then the same rules apply, with no file to touch', async () => {
    const p = await plane();
    await expect(p.service.request('ADJUST_RISK', 'risk_multiplier: 9', 'http')).resolves.toMatchObject({ file: 'http', result: 'rejected', reason: expect.stringMatching(/out of range/) });
    await expect(p.service.request('ADJUST_RISK', '0.75', 'http')).resolves.toMatchObject({ file: 'http', result: 'applied' });
    await expect(p.service.setPaused(true, 'cli')).resolves.toMatchObject({ result: 'applied', reason: expect.stringMatching(/^paused/) });
    await expect(p.service.setPaused(true, 'cli')).resolves.toBeNull();
    expect(p.actions.of('adjustRisk').map((c) => c.arg)).toEqual([{ risk_multiplier: 0.75 }]);
    expect(p.rows.map((r) => [r.file, r.result, r.digest])).toEqual([
      ['http', 'rejected', sha256('risk_multiplier: 9')],
      ['http', 'applied', sha256('0.75')],
      ['cli', 'applied', sha256('')],
    ]);
    expect(p.exists('ADJUST_RISK.rejected')).toBe(false);
  });

  it('when the ledger cannot record an event then the request still takes effect and the failure is logged', async () => {
    const actions = recordingActions();
    const logger = memoryLogger();
    const service = new ControlService({
      actions,
      recordEvent: () => {
        throw new Error('disk I/O error');
      },
      logger,
      clock: { now: () => 0 },
      maxMultiplier: 2,
      changed: () => undefined,
    });
    await expect(service.request('FLATTEN', '', 'cli')).resolves.toMatchObject({ result: 'applied', at: '1970-01-01T00:00:00.000Z' });
    expect(actions.of('flatten')).toHaveLength(1);
    expect(logger.lines.some((l) => l.level === 'error' && l.msg.includes('could not record'))).toBe(true);
  });
});
