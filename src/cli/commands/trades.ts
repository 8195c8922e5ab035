import { homePaths, resolveHome } from '../../app/paths.js';
import { readLedger } from '../../persistence/read-ledger.js';
import { COMMON_OPTIONS, parseCommandArgs } from '../args.js';

export const TRADES_HELP = `Usage: paperlive trades [--home DIR] [--today] [--json]

Closed trades from the ledger, oldest first. --today: the current UTC market day only.`;

export async function tradesCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseCommandArgs('trades', argv, { ...COMMON_OPTIONS, today: { type: 'boolean' }, json: { type: 'boolean' } });
  if (values.help) {
    console.log(TRADES_HELP);
    return 0;
  }
  const ledger = readLedger(homePaths(resolveHome(values.home)).ledger);
  let trades = ledger.trades;
  if (values.today) {
    const day = ledger.setting<{ day: string }>('engine.day')?.day ?? new Date().toISOString().slice(0, 10);
    trades = trades.filter((t) => t.closed_at.startsWith(day));
  }
  if (values.json) {
    console.log(JSON.stringify(trades, null, 2));
    return 0;
  }
  if (trades.length === 0) {
    console.log(values.today ? 'no trades closed today (market time)' : 'no closed trades');
    return 0;
  }
  for (const t of trades) {
    console.log(`${t.closed_at}  ${t.symbol.padEnd(9)} ${t.strategy.padEnd(18)} ${t.exit_reason.padEnd(13)} qty ${t.quantity}  ${t.entry.toFixed(4)} → ${t.exit.toFixed(4)}  net ${t.net_pnl.toFixed(2)} (fees ${t.fees.toFixed(2)}, ${t.return_pct.toFixed(2)} %)`);
  }
  const net = trades.reduce((s, t) => s + t.net_pnl, 0);
  console.log(`${trades.length} trades, net ${net.toFixed(2)}`);
  return 0;
}
