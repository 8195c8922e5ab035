import fs from 'node:fs';

/**
 * An append-only JSON-lines file: each record is one write of one whole line, so a crash
 * can tear at most the final line, which `repairTornTail` cuts off at the next start.
 */
export class JsonlAppender {
  private fd: number;

  constructor(readonly file: string) {
    this.fd = fs.openSync(file, 'a');
  }

  append(record: unknown): void {
    fs.writeSync(this.fd, `${JSON.stringify(record)}\n`);
  }

  close(): void {
    if (this.fd >= 0) fs.closeSync(this.fd);
    this.fd = -1;
  }
}

export interface TailRepair {
  readonly file: string;
  readonly removedBytes: number;
}

/** Truncates a final line that has no newline or does not parse. Returns what was cut, or null. */
export function repairTornTail(file: string): TailRepair | null {
  let size: number;
  try {
    size = fs.statSync(file).size;
  } catch {
    return null;
  }
  if (size === 0) return null;
  const fd = fs.openSync(file, 'r+');
  try {
    const window = Math.min(size, 1 << 20);
    const buf = Buffer.alloc(window);
    fs.readSync(fd, buf, 0, window, size - window);
    const endsWithNewline = buf[window - 1] === 0x0a;
    const searchEnd = endsWithNewline ? window - 1 : window;
    const lastNl = buf.lastIndexOf(0x0a, searchEnd - 1);
    const lineStart = lastNl + 1;
    const lastLine = buf.subarray(lineStart, searchEnd).toString('utf8');
    if (endsWithNewline && parses(lastLine)) return null;
    if (lastNl < 0 && window < size) return null; // a single line longer than the window: leave it to readers
    const keep = size - window + lineStart;
    fs.ftruncateSync(fd, keep);
    return { file, removedBytes: size - keep };
  } finally {
    fs.closeSync(fd);
  }
}

function parses(line: string): boolean {
  if (line.trim() === '') return true;
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

export interface JsonlRead<T> {
  readonly records: T[];
  /** The 1-based line number of each record. */
  readonly lines: number[];
  /** 1-based numbers of lines that did not parse and were skipped. */
  readonly skipped: number[];
}

/** Reads every parseable line; a line that does not parse is skipped and reported. */
export function readJsonl<T>(file: string): JsonlRead<T> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], lines: [], skipped: [] };
    throw error;
  }
  const records: T[] = [];
  const numbers: number[] = [];
  const skipped: number[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      records.push(JSON.parse(line) as T);
      numbers.push(index + 1);
    } catch {
      skipped.push(index + 1);
    }
  });
  return { records, lines: numbers, skipped };
}
