import fs from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { isTransientFsError } from '../io/atomic-write.js';

const RETRIES = 20;

/** Renames `from` over `to` (replacing it), retrying the transient Windows failures. */
export async function renameWithRetry(from: string, to: string): Promise<void> {
  await withRetry(() => fs.rename(from, to));
}

/** Deletes `file`; a file that is already gone counts as deleted. */
export async function removeWithRetry(file: string): Promise<void> {
  await withRetry(() => fs.rm(file, { force: true }));
}

async function withRetry(op: () => Promise<void>): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await op();
      return;
    } catch (error) {
      if (!isTransientFsError(error) || attempt >= RETRIES) throw error;
      await sleep(5 * (attempt + 1));
    }
  }
}
