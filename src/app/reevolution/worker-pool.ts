import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface PoolOptions<T, R> {
  /** Worker threads; 0 (or no compiled worker script, as under a TypeScript test runner) runs in this thread. */
  readonly workers: number;
  readonly workerScript: URL;
  readonly inProcess: (task: T) => Promise<R>;
  readonly onDone?: (done: number, total: number) => void;
}

/**
 * Runs tasks on a few worker threads, results in task order whatever order they finish in, so
 * the outcome does not depend on scheduling. The first failure stops every worker and rejects.
 */
export async function runPool<T, R>(tasks: readonly T[], options: PoolOptions<T, R>): Promise<{ results: R[]; threads: number }> {
  const results: R[] = new Array<R>(tasks.length);
  let done = 0;
  const threads = fs.existsSync(fileURLToPath(options.workerScript)) ? Math.min(options.workers, tasks.length) : 0;
  if (threads <= 0) {
    for (let i = 0; i < tasks.length; i++) {
      results[i] = await options.inProcess(tasks[i]!);
      options.onDone?.(++done, tasks.length);
    }
    return { results, threads: 0 };
  }
  const execArgv = workerExecArgv(process.execArgv);
  const workers = Array.from({ length: threads }, () => new Worker(options.workerScript, { execArgv }));
  let next = 0;
  try {
    await new Promise<void>((resolve, reject) => {
      const feed = (worker: Worker) => {
        if (next >= tasks.length) {
          if (done === tasks.length) resolve();
          return;
        }
        const index = next++;
        worker.postMessage({ index, task: tasks[index] });
      };
      for (const worker of workers) {
        worker.on('message', (message: { index: number; ok: boolean; result?: R; error?: string }) => {
          if (!message.ok) return reject(new Error(message.error ?? 'worker failed'));
          results[message.index] = message.result as R;
          options.onDone?.(++done, tasks.length);
          if (done === tasks.length) resolve();
          else feed(worker);
        });
        worker.on('error', reject);
        worker.on('exit', (code) => {
          if (done < tasks.length && code !== 0) reject(new Error(`a worker thread exited with code ${code}`));
        });
        feed(worker);
      }
    });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return { results, threads };
}

/**
 * The parent's Node flags minus those that describe its own entry point (`-e CODE`,
 * `--input-type`), which a worker started from a file refuses.
 */
function workerExecArgv(parent: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < parent.length; i++) {
    const arg = parent[i]!;
    if (arg === '-e' || arg === '--eval' || arg === '-p' || arg === '--print' || arg === '--input-type') i++;
    else if (!arg.startsWith('--input-type=') && !arg.startsWith('--eval=') && !arg.startsWith('--print=')) out.push(arg);
  }
  return out;
}
