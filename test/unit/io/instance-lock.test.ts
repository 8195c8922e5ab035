import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { InstanceLock, isProcessAlive, readPidFile } from '../../../src/io/instance-lock.js';
import { ROOT } from '../../support/daemon.js';

/** A child process that takes the lock, says so, and then waits to be killed. */
function holdLockInChild(lockFile: string) {
  const code = `import('${path.join(ROOT, 'dist', 'io', 'instance-lock.js').replace(/\\/g, '/')}').then(({ InstanceLock }) => {
    const lock = InstanceLock.tryAcquire(${JSON.stringify(lockFile)});
    console.log(lock ? 'held' : 'busy');
    setInterval(() => {}, 1000);
  });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const said = new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())));
  return { child, said };
}

describe('InstanceLock', () => {
  it('when one process holds the lock then another cannot take it, and after kill -9 of the holder it can', async () => {
    const lockFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lock-')), 'paperlive.lock');
    const { child, said } = holdLockInChild(lockFile);
    expect(await said).toBe('held');
    expect(InstanceLock.tryAcquire(lockFile)).toBeNull();
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const lock = InstanceLock.tryAcquire(lockFile);
    expect(lock).not.toBeNull();
    lock?.release();
  });

  it('when released then the same process can take it again', () => {
    const lockFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lock-')), 'paperlive.lock');
    const first = InstanceLock.tryAcquire(lockFile);
    expect(first).not.toBeNull();
    first?.release();
    const second = InstanceLock.tryAcquire(lockFile);
    expect(second).not.toBeNull();
    second?.release();
  });
});

describe('pid helpers', () => {
  it('when the pid file holds garbage then it reads as no pid; a live pid is alive and a dead one is not', async () => {
    const d = fs.mkdtempSync(path.join(os.tmpdir(), 'pid-'));
    fs.writeFileSync(path.join(d, 'a.pid'), 'not a pid');
    expect(readPidFile(path.join(d, 'a.pid'))).toBeNull();
    fs.writeFileSync(path.join(d, 'b.pid'), `${process.pid}\n`);
    expect(readPidFile(path.join(d, 'b.pid'))).toBe(process.pid);
    expect(isProcessAlive(process.pid)).toBe(true);
    const child = spawn(process.execPath, ['-e', '0']);
    await new Promise((resolve) => child.once('exit', resolve));
    expect(isProcessAlive(child.pid!)).toBe(false);
  });
});
