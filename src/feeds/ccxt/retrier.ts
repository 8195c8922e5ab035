import type { WallClock } from '../../ports/clock.js';
import type { Logger } from '../../ports/logger.js';
import { backoffDelay, type BackoffPolicy } from './backoff.js';
import { FaultKind, type Fault } from './fault.js';

/** Waits `ms` or until `signal` aborts, whichever comes first; never rejects. */
export type Sleep = (ms: number, signal: AbortSignal) => Promise<void>;

/** Consecutive failures of one kind of request, and the permanent fault it is stuck on, if any. */
export interface Attempts {
  failures: number;
  permanent: Fault | null;
}

/** A sleep that someone else may cut short (a poll wait, when a newer candle was seen elsewhere). */
export interface Wakeable {
  wake: (() => void) | null;
}

export const STOPPED = Symbol('stopped');

export interface RetrierSettings {
  readonly classify: (error: unknown) => Fault;
  readonly policy: BackoffPolicy;
  /** Wait before retrying a permanent fault (at least the backoff cap). */
  readonly permanentRetryMs: number;
  readonly clock: WallClock;
  readonly sleep: Sleep;
  readonly random: () => number;
  readonly log: Logger;
  readonly signal: AbortSignal;
}

/** Longest single timer; longer waits (a multi-day Retry-After ban) are slept in pieces. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Runs exchange requests until they succeed or the feed stops. Transient faults wait a full-jitter
 * backoff, at least the Retry-After, which also holds every other request back (a rate limit is per
 * IP, not per symbol); permanent faults are logged once and retried at the cap. Never a hot loop.
 */
export class Retrier {
  private cooldownUntil = 0;

  constructor(private readonly settings: RetrierSettings) {}

  get stopped(): boolean {
    return this.settings.signal.aborted;
  }

  /** How long the exchange asked everyone to wait, from now; 0 when it did not. */
  cooldownLeft(): number {
    return Math.max(0, this.cooldownUntil - this.settings.clock.now());
  }

  async run<T>(label: { what: string; symbol: string | null }, attempts: Attempts, task: () => Promise<T>, onFailure: (fault: Fault) => void): Promise<T | typeof STOPPED> {
    const { log, policy, random } = this.settings;
    for (;;) {
      for (let wait = this.cooldownLeft(); wait > 0 && !this.stopped; wait = this.cooldownLeft()) await this.pause(wait);
      if (this.stopped) return STOPPED;
      try {
        const result = await this.unlessStopped(task());
        if (result === STOPPED) return STOPPED;
        if (attempts.failures > 0) log.info({ ...label, failures: attempts.failures }, 'exchange request recovered');
        attempts.failures = 0;
        attempts.permanent = null;
        return result;
      } catch (error) {
        if (this.stopped) return STOPPED;
        const fault = this.noteFault(error);
        attempts.failures++;
        const details = { ...label, error: fault.name, status: fault.status, message: fault.message, failures: attempts.failures };
        let wait: number;
        if (fault.kind === FaultKind.permanent) {
          wait = Math.max(policy.capMs, this.settings.permanentRetryMs);
          if (attempts.permanent === null) log.error({ ...details, retry_in_ms: wait }, 'exchange request failed and will not work by retrying soon');
          else log.debug({ ...details, retry_in_ms: wait }, 'exchange request still failing');
          attempts.permanent = fault;
        } else {
          wait = Math.round(backoffDelay(attempts.failures, policy, random, fault.retryAfterMs));
          log.warn({ ...details, retry_after_ms: fault.retryAfterMs, retry_in_ms: wait }, 'exchange request failed; retrying');
        }
        onFailure(fault);
        await this.pause(wait);
      }
    }
  }

  /** Classifies an error and, when the exchange sent Retry-After, holds every request back until then. */
  noteFault(error: unknown): Fault {
    const fault = this.settings.classify(error);
    if (fault.retryAfterMs !== null) this.cooldownUntil = Math.max(this.cooldownUntil, this.settings.clock.now() + fault.retryAfterMs);
    return fault;
  }

  /** Sleeps, waking early on stop and, when `wakeable` is given, on its wake(). */
  async pause(ms: number, wakeable?: Wakeable): Promise<void> {
    const { signal, sleep } = this.settings;
    if (ms <= 0 || signal.aborted) return;
    const controller = new AbortController();
    const abort = () => controller.abort();
    signal.addEventListener('abort', abort, { once: true });
    if (wakeable) wakeable.wake = abort;
    try {
      await sleep(Math.min(ms, MAX_TIMER_MS), controller.signal);
    } finally {
      signal.removeEventListener('abort', abort);
      if (wakeable) wakeable.wake = null;
    }
  }

  /** Settles with the task, or with STOPPED as soon as the feed stops (a hung request is abandoned). */
  private unlessStopped<T>(task: Promise<T>): Promise<T | typeof STOPPED> {
    const { signal } = this.settings;
    if (signal.aborted) {
      task.catch(() => undefined);
      return Promise.resolve(STOPPED);
    }
    return new Promise<T | typeof STOPPED>((resolve, reject) => {
      const onStop = () => resolve(STOPPED);
      signal.addEventListener('abort', onStop, { once: true });
      task.then(
        (value) => {
          signal.removeEventListener('abort', onStop);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onStop);
          reject(error);
        },
      );
    });
  }
}
