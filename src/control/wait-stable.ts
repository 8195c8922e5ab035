import type { Stats } from 'node:fs';
import fs from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { isGone } from './read-control-file.js';

export interface StableOptions {
  /** How long size and mtime must stay unchanged. */
  readonly stableMs: number;
  /** How often to look. */
  readonly checkMs: number;
  /** A file still changing after this long is taken as it is, so a busy writer cannot wedge the folder. */
  readonly maxWaitMs: number;
  /** Ends the wait early (the watcher is closing); the result is then null. */
  readonly cancelled: () => boolean;
}

/**
 * Waits until `file`'s size and mtime (and identity) have not changed for `stableMs`
 * (`echo 0.5 > ADJUST_RISK` first creates an empty file). Null when the file went away.
 */
export async function waitUntilStable(file: string, options: StableOptions): Promise<Stats | null> {
  const started = performance.now();
  let last = await statOrNull(file);
  let since = performance.now();
  while (last && !options.cancelled()) {
    if (performance.now() - since >= options.stableMs || performance.now() - started >= options.maxWaitMs) return last;
    await sleep(options.checkMs);
    const next = await statOrNull(file);
    if (!next || next.size !== last.size || next.mtimeMs !== last.mtimeMs || next.ino !== last.ino) since = performance.now();
    last = next;
  }
  return null;
}

export async function statOrNull(file: string): Promise<Stats | null> {
  try {
    return await fs.stat(file);
  } catch (error) {
    if (isGone(error)) return null;
    throw error;
  }
}
