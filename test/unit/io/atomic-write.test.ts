import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readJsonFile, writeFileAtomic, writeJsonAtomic } from '../../../src/io/atomic-write.js';

const dir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'atomic-'));

afterEach(() => vi.restoreAllMocks());

describe('writeFileAtomic', () => {
  it('when it replaces a file then no temp file is left beside it', () => {
    const d = dir();
    const target = path.join(d, 'status.json');
    writeJsonAtomic(target, { a: 1 });
    writeJsonAtomic(target, { a: 2 });
    expect(readJsonFile(target)).toEqual({ a: 2 });
    expect(fs.readdirSync(d)).toEqual(['status.json']);
  });

  it('when the rename meets EPERM a few times (a Windows reader) then it retries and succeeds', () => {
    const d = dir();
    const target = path.join(d, 'x.json');
    const real = fs.renameSync;
    let failures = 0;
    vi.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
      if (failures < 3) {
        failures++;
        throw Object.assign(new Error('operation not permitted'), { code: 'EPERM' });
      }
      real(from, to);
    });
    writeFileAtomic(target, 'ok');
    expect(failures).toBe(3);
    expect(fs.readFileSync(target, 'utf8')).toBe('ok');
  });

  it('when the rename keeps failing then it throws and removes its temp file', () => {
    const d = dir();
    vi.spyOn(fs, 'renameSync').mockImplementation(() => {
      throw Object.assign(new Error('busy'), { code: 'EBUSY' });
    });
    expect(() => writeFileAtomic(path.join(d, 'x.json'), 'ok', 3)).toThrow('busy');
    expect(fs.readdirSync(d)).toEqual([]);
  });

  it('when another process reads in a tight loop during many writes then it never sees a partial file', async () => {
    const d = dir();
    const target = path.join(d, 'status.json');
    const big = { filler: 'x'.repeat(64 * 1024) };
    writeJsonAtomic(target, { n: 0, ...big });
    const script = `const fs=require('fs');let reads=0,bad=0;const end=Date.now()+1500;
      while(Date.now()<end){try{JSON.parse(fs.readFileSync(${JSON.stringify(target)},'utf8'));reads++}catch(e){if(e.code!=='ENOENT')bad++}}
      console.log(JSON.stringify({reads,bad}));`;
    const reader = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    reader.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const result = new Promise<{ reads: number; bad: number }>((resolve) => reader.on('close', () => resolve(JSON.parse(out))));
    const end = Date.now() + 1500;
    let writes = 0;
    while (Date.now() < end) {
      writeJsonAtomic(target, { n: ++writes, ...big });
      await new Promise((r) => setImmediate(r));
    }
    const { reads, bad } = await result;
    expect(writes).toBeGreaterThan(50);
    expect(reads).toBeGreaterThan(50);
    expect(bad).toBe(0);
  });
});

describe('readJsonFile', () => {
  it('when the file is missing then it returns undefined, and when it is garbage then it throws', () => {
    const d = dir();
    expect(readJsonFile(path.join(d, 'none.json'))).toBeUndefined();
    fs.writeFileSync(path.join(d, 'bad.json'), '{"a":');
    expect(() => readJsonFile(path.join(d, 'bad.json'))).toThrow();
  });
});
