import fs from 'node:fs';
import path from 'node:path';

const RETRYABLE = new Set(['EPERM', 'EACCES', 'EBUSY']);
let counter = 0;

/**
 * Replaces `target` so that a reader sees the old file or the new one, never a part:
 * temp file in the same folder, fsync, rename. On Windows a reader holding the file
 * makes rename fail with EPERM/EACCES/EBUSY for a moment, so the rename is retried.
 */
export function writeFileAtomic(target: string, data: string | Uint8Array, retries = 20): void {
  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${++counter}.tmp`);
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data, 'utf8') : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    renameSyncWithRetry(tmp, target, retries);
  } catch (error) {
    fs.rmSync(tmp, { force: true });
    throw error;
  }
}

/** EPERM, EACCES or EBUSY: on Windows, another process (an editor, an antivirus, a reader) holding the file for a moment. */
export function isTransientFsError(error: unknown): boolean {
  return RETRYABLE.has((error as NodeJS.ErrnoException).code ?? '');
}

/** Renames `from` over `to`, retrying the transient Windows failures with a short, growing wait. */
export function renameSyncWithRetry(from: string, to: string, retries = 20): void {
  for (let attempt = 0; ; attempt++) {
    try {
      fs.renameSync(from, to);
      return;
    } catch (error) {
      if (!isTransientFsError(error) || attempt >= retries) throw error;
      sleepSync(5 * (attempt + 1));
    }
  }
}

export function writeJsonAtomic(target: string, value: unknown): void {
  writeFileAtomic(target, `${JSON.stringify(value, null, 2)}\n`);
}

/** Reads a JSON file, or returns `undefined` when it is missing. A file that does not parse throws. */
export function readJsonFile<T>(file: string): T | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  return JSON.parse(text) as T;
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
