import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadHomeConfig } from '../../app/home-config.js';
import { homePaths, resolveHome } from '../../app/paths.js';
import { writeFileAtomic, readJsonFile } from '../../io/atomic-write.js';
import { CommandResultError, UsageError } from '../../model/errors.js';
import type { StatusDocument } from '../../monitoring/status-document.js';
import { COMMON_OPTIONS, parseCommandArgs, parseNumberOption } from '../args.js';

type Verb = 'pause' | 'resume' | 'flatten' | 'shutdown' | 'emergency-stop' | 'risk';

export const CONTROL_HELP = `Usage: paperlive pause | resume | flatten | shutdown | emergency-stop | risk VALUE
       [--home DIR] [--config FILE] [--no-wait] [--timeout SECONDS]

Writes (or, for resume, removes) the control file in the home's control folder, then waits
until logs/status.json shows that the daemon acted on it. The file is the request: a daemon
that is not running acts on it at its next start (PAUSE and EMERGENCY_STOP stay in force).

  pause            PAUSE: no new entries; open positions keep being managed
  resume           removes PAUSE (and PAUSE_TRADING)
  flatten          FLATTEN: close every position at market, keep running
  shutdown         SHUTDOWN: graceful stop, positions kept
  emergency-stop   EMERGENCY_STOP: close everything, exit 4, refuse to start until removed
  risk VALUE       ADJUST_RISK: a risk multiplier (0 to risk.max_multiplier), or YAML such as
                   "risk_per_trade_pct: 0.25" or "{risk_multiplier: 0.5, max_open_positions: 2}"

Exit codes: 0 done (confirmed by status.json), 1 not confirmed in time (or rejected), 2 usage.`;

const FILES: Record<Exclude<Verb, 'resume'>, string> = {
  pause: 'PAUSE',
  flatten: 'FLATTEN',
  shutdown: 'SHUTDOWN',
  'emergency-stop': 'EMERGENCY_STOP',
  risk: 'ADJUST_RISK',
};

export function controlCommand(verb: Verb) {
  return async (argv: readonly string[]): Promise<number> => {
    const { values, positionals } = parseCommandArgs(verb, argv, { ...COMMON_OPTIONS, config: { type: 'string' }, 'no-wait': { type: 'boolean' }, timeout: { type: 'string' } }, verb === 'risk' ? 1 : 0);
    if (values.help) {
      console.log(CONTROL_HELP);
      return 0;
    }
    const home = resolveHome(values.home);
    const config = loadHomeConfig(home, values.config === undefined ? undefined : path.resolve(values.config));
    const controlDir = path.resolve(home, config.control_dir);
    const timeoutS = values.timeout === undefined ? 10 : parseNumberOption(verb, 'timeout', values.timeout, (n) => n > 0 && n <= 3600, 'a number of seconds from 0 to 3600');
    const statusFile = homePaths(home).statusFile;
    const since = Date.now();
    fs.mkdirSync(controlDir, { recursive: true });

    if (verb === 'resume') {
      const removed = fs.readdirSync(controlDir).filter((f) => /^pause(_trading)?(\.txt)?$/i.test(f));
      for (const f of removed) fs.rmSync(path.join(controlDir, f), { force: true });
      console.log(removed.length > 0 ? `removed ${removed.join(', ')} from ${controlDir}` : `no PAUSE file in ${controlDir}`);
    } else {
      let content = `${verb} requested by paperlive CLI at ${new Date(since).toISOString()}\n`;
      if (verb === 'risk') {
        if (positionals.length === 0) throw new UsageError('paperlive risk: give the new risk multiplier (e.g. paperlive risk 0.5) or a YAML mapping');
        content = `${positionals[0]}\n`;
      }
      // Atomic, so the daemon never sees a half-written request.
      writeFileAtomic(path.join(controlDir, FILES[verb]), content);
      console.log(`wrote ${path.join(controlDir, FILES[verb])}`);
    }
    if (values['no-wait']) return 0;

    const confirmed = await waitForStatus(statusFile, timeoutS * 1000, (status) => confirms(verb, status, since));
    if (confirmed === true) {
      console.log(`confirmed by ${statusFile}`);
      return 0;
    }
    throw new CommandResultError(`paperlive ${verb}: ${confirmed}`, 1);
  };
}

/** true when the status shows the effect; a string when it shows a rejection; false to keep waiting. */
function confirms(verb: Verb, status: StatusDocument, since: number): boolean | string {
  // Same machine, same clock: an outcome stamped before the request was written is an older one.
  const after = (at: string | undefined) => at !== undefined && Date.parse(at) >= since;
  const applied = status.control?.last_applied;
  const rejected = status.control?.last_rejected;
  switch (verb) {
    case 'pause':
      return status.risk.paused === true && status.is_alive;
    case 'resume':
      return status.risk.paused === false && status.is_alive;
    case 'flatten':
      return applied !== null && /flatten/i.test(applied.file) && after(applied.at) && status.active_positions.length === 0;
    case 'shutdown':
      return !status.is_alive && status.trading_state === 'STOPPED' && Date.parse(status.timestamp) >= since;
    case 'emergency-stop':
      return status.trading_state === 'EMERGENCY_STOPPED';
    case 'risk': {
      const isOurs = (o: typeof applied) => o !== null && /adjust_risk/i.test(o.file) && after(o.at);
      const appliedAt = isOurs(applied) ? Date.parse(applied!.at) : -Infinity;
      const rejectedAt = isOurs(rejected) ? Date.parse(rejected!.at) : -Infinity;
      if (rejectedAt > appliedAt) return `rejected: ${rejected!.reason}`;
      return appliedAt > -Infinity;
    }
  }
}

async function waitForStatus(file: string, timeoutMs: number, check: (status: StatusDocument) => boolean | string): Promise<true | string> {
  const deadline = Date.now() + timeoutMs;
  let last: StatusDocument | undefined;
  while (Date.now() < deadline) {
    try {
      last = readJsonFile<StatusDocument>(file);
    } catch {
      last = undefined; // being replaced on a filesystem without atomic rename: read again
    }
    if (last) {
      const verdict = check(last);
      if (verdict === true) return true;
      if (typeof verdict === 'string') return verdict;
    }
    await sleep(25);
  }
  if (!last) return `not confirmed within ${timeoutMs / 1000} s: no ${file} (is the daemon running in this home?); the request file stays and takes effect at the next start`;
  if (!last.is_alive) return `not confirmed within ${timeoutMs / 1000} s: the daemon is not running (${last.trading_state}); the request file stays and takes effect at the next start`;
  return `not confirmed within ${timeoutMs / 1000} s: status.json (${last.timestamp}) does not show it yet`;
}
