import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AdjustRiskValues } from '../../../src/control/adjust-risk.js';
import type { ControlActions } from '../../../src/control/control-actions.js';
import { ControlService } from '../../../src/control/control-service.js';
import type { ControlSignal } from '../../../src/control/control-signal.js';
import { ControlWatcher } from '../../../src/control/control-watcher.js';
import type { ControlWatcherOptions } from '../../../src/control/control-watcher.js';
import type { ControlEventRow } from '../../../src/ports/ledger.js';
import { memoryLogger, type LogLine } from '../../support/memory-logger.js';

export function tempDir(prefix = 'control-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export { memoryLogger, type LogLine };

/** The daemon's side, as calls with the time each arrived. */
export interface ActionCall {
  readonly action: keyof ControlActions;
  readonly arg?: boolean | AdjustRiskValues;
  readonly at: number;
}

export function recordingActions(slowMs = 0): ControlActions & { calls: ActionCall[]; of: (action: keyof ControlActions) => ActionCall[] } {
  const calls: ActionCall[] = [];
  const push = (action: keyof ControlActions, arg?: boolean | AdjustRiskValues) => calls.push({ action, arg, at: performance.now() });
  const slow = () => (slowMs > 0 ? new Promise<void>((resolve) => setTimeout(resolve, slowMs)) : undefined);
  return {
    calls,
    of: (action) => calls.filter((c) => c.action === action),
    setPaused: (paused) => void push('setPaused', paused),
    flatten: () => {
      push('flatten');
      return slow();
    },
    emergencyStop: () => void push('emergencyStop'),
    adjustRisk: (values) => {
      push('adjustRisk', values);
      return slow();
    },
    shutdown: () => void push('shutdown'),
  };
}

export interface Plane {
  readonly dir: string;
  readonly actions: ReturnType<typeof recordingActions>;
  readonly rows: ControlEventRow[];
  readonly logger: ReturnType<typeof memoryLogger>;
  readonly service: ControlService;
  readonly watcher: ControlWatcher;
  readonly statusWrites: () => number;
  /** Writes a file and returns when it was written, for latency. */
  readonly write: (name: string, content: string | Uint8Array) => number;
  readonly exists: (name: string) => boolean;
  readonly read: (name: string) => string;
}

export interface PlaneOptions extends Partial<Omit<ControlWatcherOptions, 'dir' | 'onSignal' | 'logger'>> {
  readonly dir?: string;
  readonly slowActionsMs?: number;
  readonly maxMultiplier?: number;
  /** Files to create before the watcher starts. */
  readonly before?: Record<string, string>;
  readonly start?: boolean;
  readonly onSignal?: (signal: ControlSignal) => void;
}

/** A control service wired to a watcher on a fresh folder, with the daemon's side recorded. */
export async function controlPlane(options: PlaneOptions = {}): Promise<Plane> {
  const { slowActionsMs, maxMultiplier, before, start, onSignal, ...watcherOptions } = options;
  const dir = options.dir ?? tempDir();
  for (const [name, content] of Object.entries(before ?? {})) fs.writeFileSync(path.join(dir, name), content);
  const actions = recordingActions(slowActionsMs);
  const rows: ControlEventRow[] = [];
  const logger = memoryLogger();
  let writes = 0;
  const service = new ControlService({
    actions,
    recordEvent: (row) => void rows.push(row),
    logger,
    clock: { now: () => Date.now() },
    maxMultiplier: maxMultiplier ?? 2,
    changed: () => void writes++,
  });
  const watcher = new ControlWatcher({
    ...watcherOptions,
    dir,
    logger,
    onSignal: async (signal) => {
      onSignal?.(signal);
      await service.handle(signal);
    },
  });
  if (start ?? true) await watcher.start();
  return {
    dir,
    actions,
    rows,
    logger,
    service,
    watcher,
    statusWrites: () => writes,
    write: (name, content) => {
      const at = performance.now();
      fs.writeFileSync(path.join(dir, name), content);
      return at;
    },
    exists: (name) => fs.existsSync(path.join(dir, name)),
    read: (name) => fs.readFileSync(path.join(dir, name), 'utf8'),
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `check` passes, polling every 5 ms, or fails with its last error. */
export async function eventually(check: () => void, timeoutMs = 3_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    try {
      check();
      return;
    } catch (error) {
      if (performance.now() > deadline) throw error;
      await sleep(5);
    }
  }
}
