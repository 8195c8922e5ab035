import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import Database from 'better-sqlite3';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
export const REPLAY_DATA = path.join(ROOT, 'data', 'replay');

/** A fresh, empty home folder under the OS temp dir. */
export function tempHome(prefix = 'paperlive-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function writeConfig(home: string, yaml: string, name = 'paper_live.yaml'): string {
  const file = path.join(home, 'configs', name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, yaml);
  return file;
}

/** Replay settings that make a daemon fast and chatty, for tests. */
export const FAST_REPLAY = `
status_interval_s: 0.2
heartbeat_interval_s: 0.2
feed:
  source: replay
  replay: { data_dir: ${JSON.stringify(REPLAY_DATA)}, speed: max }
strategies: { challengers: [] }
# The plumbing is under test here, not the strategies' edge: let entries through the quality gate.
gate: { min_confidence: 0, min_ev_cost_ratio: 0, per_symbol: {} }
`;

/** Runs a CLI command to completion and returns its result (never throws on exit code). */
export function cli(args: string[], options: { env?: Record<string, string>; cwd?: string; timeout?: number } = {}) {
  return execa('node', [CLI, ...args], { reject: false, timeout: options.timeout ?? 60_000, env: { PAPERLIVE_LOG_LEVEL: 'info', ...options.env }, cwd: options.cwd ?? ROOT, stdin: 'ignore' });
}

/** Starts `paperlive run` in the background. */
export function startDaemon(home: string, args: string[] = [], env: Record<string, string> = {}): ResultPromise<{ reject: false }> {
  return execa('node', [CLI, 'run', '--home', home, ...args], { reject: false, env, cwd: home, stdin: 'ignore', timeout: 120_000 }) as ResultPromise<{ reject: false }>;
}

/** Reads a JSON file the daemon writes; undefined when it does not exist yet. Throws on a partial file. */
export function readJson<T = any>(file: string): T | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  return JSON.parse(text) as T;
}

export const statusOf = (home: string) => readJson(path.join(home, 'logs', 'status.json'));
export const heartbeatOf = (home: string) => readJson(path.join(home, 'data', 'rl', 'paper_live_heartbeat.json'));

/** Polls until `probe` returns a truthy value, or fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, probe: () => T | undefined | null | false, timeoutMs = 30_000, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    try {
      const value = probe();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${(lastError as Error).message})` : ''}`);
}

export function readLines(file: string): string[] {
  if (!fs.existsSync(file)) return [];
  return fs.readFileSync(file, 'utf8').split('\n').filter((line) => line.length > 0);
}

/**
 * Waits until the daemon holds a position, then leaves it frozen (SIGSTOP) with at least one
 * position visible in its ledger; the caller sends SIGCONT or SIGKILL. A daemon frozen in the
 * middle of a write is let run on and tried again.
 */
export async function freezeHoldingPosition(home: string, daemon: { kill: (signal?: NodeJS.Signals) => boolean }): Promise<void> {
  const ledgerFile = path.join(home, 'data', 'paperlive.sqlite');
  await waitFor('an open position, the daemon frozen', () => {
    if ((statusOf(home)?.active_positions.length ?? 0) === 0) return false;
    daemon.kill('SIGSTOP');
    let held = 0;
    try {
      // A WAL reader would not notice a write the daemon was frozen inside; taking the write lock does.
      const db = new Database(ledgerFile, { fileMustExist: true, timeout: 0 });
      try {
        db.exec('BEGIN IMMEDIATE');
        held = (db.prepare('SELECT COUNT(*) AS n FROM positions').get() as { n: number }).n;
        db.exec('ROLLBACK');
      } finally {
        db.close();
      }
    } catch {
      // frozen inside a write: let it run on and try again
    }
    if (held > 0) return true;
    daemon.kill('SIGCONT');
    return false;
  });
}
