import { parentPort, Worker } from 'node:worker_threads';
import type { Logger } from '../ports/logger.js';
import { dailyProductionCheck, type DailyCheckJob, type DailyCheckOutcome } from './production-wiring.js';
import { runReportTask, type ReportOptions, type ReportTask } from './report-sources.js';

type Job =
  | { readonly kind: 'report'; readonly home: string; readonly task: ReportTask; readonly options: ReportOptions }
  | { readonly kind: 'daily-check'; readonly job: DailyCheckJob };

type Reply = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: string };

/**
 * Work that reads whole log files or runs a backtest (reports, the daily production check) runs
 * in one worker thread, one job after another, so the trading loop and the control files never
 * wait for it. Reports are written atomically: a job cut short leaves no partial file.
 */
export class BackgroundWorker {
  private worker: Worker | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly log: Logger, private readonly onError: (message: string, error: unknown) => void) {}

  report(home: string, task: ReportTask, options: ReportOptions): void {
    void this.enqueue<readonly string[]>({ kind: 'report', home, task, options }).then(
      (files) => {
        if (files.length > 0) this.log.info({ files }, 'reports written');
      },
      (error: unknown) => this.onError(`could not write a report: ${(error as Error).message}`, error),
    );
  }

  dailyCheck(job: DailyCheckJob): Promise<DailyCheckOutcome> {
    return this.enqueue<DailyCheckOutcome>({ kind: 'daily-check', job });
  }

  /** Lets jobs under way finish (at most `graceMs`), then stops the thread. */
  async close(graceMs = 10_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.queue.catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    await this.worker?.terminate();
    this.worker = null;
  }

  private enqueue<T>(job: Job): Promise<T> {
    const result = this.queue.catch(() => undefined).then(() => this.run(job)) as Promise<T>;
    this.queue = result;
    return result;
  }

  private run(job: Job): Promise<unknown> {
    this.worker ??= new Worker(new URL(import.meta.url));
    const worker = this.worker;
    return new Promise((resolve, reject) => {
      const onMessage = (reply: Reply) => {
        worker.off('error', onFailure);
        if (reply.ok) resolve(reply.value);
        else reject(new Error(reply.error));
      };
      const onFailure = (error: Error) => {
        worker.off('message', onMessage);
        this.worker = null;
        reject(error);
      };
      worker.once('message', onMessage);
      worker.once('error', onFailure);
      worker.postMessage(job);
    });
  }
}

parentPort?.on('message', (job: Job) => {
  void (async (): Promise<Reply> => {
    try {
      if (job.kind === 'report') return { ok: true, value: runReportTask(job.home, job.task, job.options) };
      return { ok: true, value: await dailyProductionCheck(job.job) };
    } catch (error) {
      return { ok: false, error: (error as Error).message };
    }
  })().then((reply) => parentPort?.postMessage(reply));
});
