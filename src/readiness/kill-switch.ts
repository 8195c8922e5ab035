import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../io/atomic-write.js';
import { envFlag } from './env-flags.js';

/** The home paths the kill switch needs (HomePaths fits). */
export interface KillSwitchPaths {
  readonly killSwitch: string;
}

export interface KillSwitchState {
  readonly active: boolean;
  /** data/live_kill_switch.txt exists. */
  readonly file: boolean;
  /** LIVE_KILL_SWITCH is set to something truthy. */
  readonly env: boolean;
}

export function killSwitchState(paths: KillSwitchPaths, env: Readonly<Record<string, string | undefined>>): KillSwitchState {
  const file = fs.existsSync(paths.killSwitch);
  const fromEnv = envFlag(env.LIVE_KILL_SWITCH);
  return { active: file || fromEnv, file, env: fromEnv };
}

/** The kill switch is on while data/live_kill_switch.txt exists or LIVE_KILL_SWITCH is truthy. */
export function killSwitchActive(paths: KillSwitchPaths, env: Readonly<Record<string, string | undefined>>): boolean {
  return killSwitchState(paths, env).active;
}

/**
 * Creates data/live_kill_switch.txt saying why and when (wall time). An existing file is left as
 * it is, so the first reason, which is the one to investigate, is never overwritten. Returns
 * true when this call created it. Only a human clears it (`rm data/live_kill_switch.txt`).
 */
export function activateKillSwitch(paths: KillSwitchPaths, reason: string, now: number = Date.now()): boolean {
  if (fs.existsSync(paths.killSwitch)) return false;
  fs.mkdirSync(path.dirname(paths.killSwitch), { recursive: true });
  writeFileAtomic(paths.killSwitch, `${new Date(now).toISOString()} ${reason}\nDelete this file only after investigating why it was activated.\n`);
  return true;
}
