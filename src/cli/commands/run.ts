import path from 'node:path';
import { runDaemon } from '../../app/daemon.js';
import { resolveHome } from '../../app/paths.js';
import { EmergencyStopError, UsageError } from '../../model/errors.js';
import { COMMON_OPTIONS, parseCommandArgs, parseIsoOption, parseNumberOption } from '../args.js';

export const RUN_HELP = `Usage: paperlive run [options]

Runs the daemon in the foreground until SIGINT/SIGTERM, a SHUTDOWN file or EMERGENCY_STOP.

Options:
  --home DIR        home folder (else PAPERLIVE_HOME, else the current directory)
  --config FILE     config file (else PAPERLIVE_CONFIG, else configs/paper_live.yaml)
  --feed ccxt|replay
  --data DIR        replay data folder (CSV files named BINANCE_BTC-USDT_1m.csv)
  --speed N|max     replay speed in market seconds per wall second, or max
  --from ISO        replay start (overrides resuming)
  --to ISO          replay end
  --loop            replay the data again, shifted forward, when it ends
  --exit-at-end     exit 0 when the replay data ends (default: stay up, feed unhealthy)

Exit codes: 0 clean stop, 1 crash, 2 usage, 3 another instance holds this home,
            4 emergency stop, 78 invalid config.`;

export async function runCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseCommandArgs('run', argv, {
    ...COMMON_OPTIONS,
    config: { type: 'string' },
    feed: { type: 'string' },
    data: { type: 'string' },
    speed: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    loop: { type: 'boolean' },
    'exit-at-end': { type: 'boolean' },
  });
  if (values.help) {
    console.log(RUN_HELP);
    return 0;
  }
  if (values.feed !== undefined && values.feed !== 'ccxt' && values.feed !== 'replay') throw new UsageError(`paperlive run: --feed "${values.feed}" must be ccxt or replay`);
  const speed = values.speed === undefined ? undefined : values.speed === 'max' ? ('max' as const) : parseNumberOption('run', 'speed', values.speed, (n) => n > 0, 'a positive number or max');
  const from = values.from === undefined ? undefined : parseIsoOption('run', 'from', values.from);
  const to = values.to === undefined ? undefined : parseIsoOption('run', 'to', values.to);
  if (from !== undefined && to !== undefined && from >= to) throw new UsageError('paperlive run: --to must be after --from');
  const outcome = await runDaemon({
    home: resolveHome(values.home),
    configFile: values.config === undefined ? undefined : path.resolve(values.config),
    feed: values.feed as 'ccxt' | 'replay' | undefined,
    dataDir: values.data,
    speed,
    from,
    to,
    loop: values.loop ?? false,
    exitAtEnd: values['exit-at-end'] ?? false,
  });
  if (outcome === 'emergency_stopped') throw new EmergencyStopError('emergency stop executed: every position was closed and trading stays stopped while EMERGENCY_STOP exists');
  if (outcome === 'emergency_stopped_unpriced') {
    throw new EmergencyStopError('emergency stop before the exchange markets loaded: nothing could be priced, so open positions stay in the ledger, not closed; trading stays stopped while EMERGENCY_STOP exists');
  }
  return 0;
}
