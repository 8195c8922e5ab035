import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonlAppender, readJsonl, repairTornTail } from '../../../src/io/jsonl.js';

const file = (content: string) => {
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jsonl-')), 'x.jsonl');
  fs.writeFileSync(f, content);
  return f;
};

describe('repairTornTail', () => {
  it.each([
    ['a final line without newline', '{"a":1}\n{"a":2', '{"a":1}\n', 6],
    ['a final line that does not parse', '{"a":1}\n{"a":\n', '{"a":1}\n', 6],
    ['a single torn line', '{"a', '', 3],
  ])('when the file ends in %s then it is cut back to the last whole line', (_what, content, expected, removed) => {
    const f = file(content);
    expect(repairTornTail(f)).toEqual({ file: f, removedBytes: removed });
    expect(fs.readFileSync(f, 'utf8')).toBe(expected);
  });

  it.each([
    ['whole lines', '{"a":1}\n{"a":2}\n'],
    ['an empty file', ''],
  ])('when the file has %s then it is left alone', (_what, content) => {
    const f = file(content);
    expect(repairTornTail(f)).toBeNull();
    expect(fs.readFileSync(f, 'utf8')).toBe(content);
  });

  it('when the file does not exist then nothing happens', () => {
    expect(repairTornTail(path.join(os.tmpdir(), 'no-such-file.jsonl'))).toBeNull();
  });
});

describe('JsonlAppender and readJsonl', () => {
  it('when records are appended then each is one line and a bad line is skipped and reported by number', () => {
    const f = file('');
    const log = new JsonlAppender(f);
    log.append({ a: 1 });
    log.append({ b: 'x\ny' });
    log.close();
    fs.appendFileSync(f, 'garbage\n{"c":3}\n');
    const read = readJsonl(f);
    expect(read.records).toEqual([{ a: 1 }, { b: 'x\ny' }, { c: 3 }]);
    expect(read.skipped).toEqual([3]);
  });
});
