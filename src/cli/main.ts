#!/usr/bin/env node
import { CommandResultError, ConfigError, EmergencyStopError, InstanceLockedError, OperationalError, UsageError } from '../model/errors.js';

const USAGE = `Usage: paperlive <command> [options]   (paperlive <command> --help for more)

Commands:
  run       the daemon, in the foreground
  status    summary of status.json and heartbeat age
  perf      performance metrics of the paper account or of a trade log
  trades    closed trades
  backtest  the same engine over recorded candles, as fast as possible
  pause | resume | flatten | shutdown | emergency-stop | risk VALUE
            write the control file and wait until status.json confirms it
  report    daily [--date D] | weekly [--week N]: write and print the shadow reports
  health    readiness verdict GO / CONDITIONAL / NO_GO with reasons and next actions
  monitor   drift monitoring: --status | --check-drift --strategy ID | --log --strategy ID --date D --daily-return R
  production  champion/challenger: --set-champion | --add-challenger | --remove-challenger | --list-challengers | --evaluate | --promote ID [--yes] | --sign-off NAME
  trigger-reevolution  re-optimise the champion's parameters; the best become challengers`;

type Command = (argv: readonly string[]) => Promise<number>;

/** Commands are imported only when used, so `status` never loads the trading stack. */
const COMMANDS: Record<string, () => Promise<Command>> = {
  run: async () => (await import('./commands/run.js')).runCommand,
  status: async () => (await import('./commands/status.js')).statusCommand,
  perf: async () => (await import('./commands/perf.js')).perfCommand,
  trades: async () => (await import('./commands/trades.js')).tradesCommand,
  backtest: async () => (await import('./commands/backtest.js')).backtestCommand,
  pause: async () => (await import('./commands/control.js')).controlCommand('pause'),
  resume: async () => (await import('./commands/control.js')).controlCommand('resume'),
  flatten: async () => (await import('./commands/control.js')).controlCommand('flatten'),
  shutdown: async () => (await import('./commands/control.js')).controlCommand('shutdown'),
  'emergency-stop': async () => (await import('./commands/control.js')).controlCommand('emergency-stop'),
  risk: async () => (await import('./commands/control.js')).controlCommand('risk'),
  health: async () => (await import('./commands/health.js')).healthCommand,
  report: async () => (await import('./commands/report.js')).reportCommand,
  monitor: async () => (await import('./commands/monitor.js')).monitorCommand,
  production: async () => (await import('./commands/production.js')).productionCommand,
  'trigger-reevolution': async () => (await import('./commands/trigger-reevolution.js')).triggerReevolutionCommand,
};

/** The only place where errors become exit codes. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof CommandResultError) return error.exitCode;
  if (error instanceof UsageError) return 2;
  if (error instanceof InstanceLockedError) return 3;
  if (error instanceof EmergencyStopError) return 4;
  if (error instanceof ConfigError) return 78;
  return 1;
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(USAGE);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version') {
    const { packageVersion } = await import('../app/paths.js');
    console.log(packageVersion());
    return 0;
  }
  const load = COMMANDS[name];
  if (!load) throw new UsageError(`paperlive: unknown command "${name}" (commands: ${Object.keys(COMMANDS).join(', ')})`);
  return (await load())(rest);
}

/** Under a supervisor an IPC channel stays open; let go of it so the exit code is the last word. */
function release(): void {
  if (process.connected) process.disconnect();
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
    release();
  },
  (error: unknown) => {
    release();
    const code = exitCodeFor(error);
    const message = error instanceof Error ? error.message : String(error);
    const sentence = message.startsWith('paperlive') ? message : `paperlive: ${message}`;
    // A crash (an error nobody typed) gets its stack; an answer gets one sentence.
    const expected = error instanceof CommandResultError || error instanceof UsageError || error instanceof ConfigError || error instanceof InstanceLockedError || error instanceof EmergencyStopError || error instanceof OperationalError;
    if (message) console.error(!expected && error instanceof Error && error.stack ? error.stack : sentence);
    process.exitCode = code;
  },
);
