import path from 'node:path';
import fs from 'node:fs';
import { homeAnnualizationDays, loadHomeConfig } from '../../app/home-config.js';
import { homePaths, resolveHome } from '../../app/paths.js';
import { readJsonl } from '../../io/jsonl.js';
import { CommandResultError, OperationalError, UsageError } from '../../model/errors.js';
import type { TradeRecord } from '../../model/position.js';
import { readLedger, type LedgerSnapshot } from '../../persistence/read-ledger.js';
import { computeMetrics, tradeRecordProblem, type PerformanceMetrics } from '../../reports/metrics.js';
import { COMMON_OPTIONS, parseCommandArgs, parseNumberOption } from '../args.js';
import { fmt, table } from '../format.js';

export const PERF_HELP = `Usage: paperlive perf [--home DIR] [--json] [--trades FILE --starting-balance N] [--annualization-days N]

Performance metrics of the paper account (from the ledger), or of any trade log in the
logs/all_trades.jsonl format. Annualisation: --annualization-days, else the home's
configs/production.yaml monitoring.annualization_days (365 without one). Definitions: docs/spec.md §8 (they compare with freqtrade's).
Exit codes: 0, 2 unreadable file.`;

export async function perfCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseCommandArgs('perf', argv, {
    ...COMMON_OPTIONS,
    json: { type: 'boolean' },
    trades: { type: 'string' },
    'starting-balance': { type: 'string' },
    'annualization-days': { type: 'string' },
    config: { type: 'string' },
  });
  if (values.help) {
    console.log(PERF_HELP);
    return 0;
  }
  const annualizationDays = values['annualization-days'] === undefined ? undefined : parseNumberOption('perf', 'annualization-days', values['annualization-days'], (n) => n >= 1 && n <= 366, 'a number of days from 1 to 366');
  const home = resolveHome(values.home);
  let trades: TradeRecord[];
  let startingBalance: number;
  let source: string;
  if (values.trades !== undefined) {
    if (values['starting-balance'] === undefined) throw new UsageError('paperlive perf: --trades needs --starting-balance N (the balance before the first trade)');
    startingBalance = parseNumberOption('perf', 'starting-balance', values['starting-balance'], (n) => n > 0, 'a positive amount');
    trades = readTradeLog(values.trades);
    source = values.trades;
  } else {
    const config = loadHomeConfig(home, values.config === undefined ? undefined : path.resolve(values.config));
    let ledger: LedgerSnapshot;
    try {
      ledger = readLedger(homePaths(home).ledger);
    } catch (error) {
      if (error instanceof OperationalError) throw new CommandResultError(`paperlive perf: ${error.message}`, 2);
      throw error;
    }
    trades = ledger.trades;
    startingBalance =
      values['starting-balance'] === undefined
        ? (ledger.startingBalance ?? config.account.starting_balance)
        : parseNumberOption('perf', 'starting-balance', values['starting-balance'], (n) => n > 0, 'a positive amount');
    const file = homePaths(home).ledger;
    source = fs.existsSync(file) ? file : `${file}, which does not exist yet`;
  }
  const metrics = computeMetrics(trades, startingBalance, { annualizationDays: annualizationDays ?? homeAnnualizationDays(home) });
  console.log(values.json ? JSON.stringify(metrics, null, 2) : render(metrics, source, startingBalance));
  return 0;
}

function readTradeLog(file: string): TradeRecord[] {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch {
    throw new CommandResultError(`paperlive perf: the trade log ${file} cannot be read (no such file)`, 2);
  }
  if (!stat.isFile()) throw new CommandResultError(`paperlive perf: the trade log ${file} is not a file`, 2);
  let read: ReturnType<typeof readJsonl<TradeRecord>>;
  try {
    read = readJsonl<TradeRecord>(file);
  } catch (error) {
    throw new CommandResultError(`paperlive perf: the trade log ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`, 2);
  }
  const { records, lines, skipped } = read;
  if (skipped.length > 0) console.error(`paperlive perf: skipped ${skipped.length} line(s) of ${file} that do not parse (line ${skipped.slice(0, 5).join(', ')}${skipped.length > 5 ? ', …' : ''})`);
  for (let i = 0; i < records.length; i++) {
    const problem = tradeRecordProblem(records[i]);
    if (problem !== null) throw new CommandResultError(`paperlive perf: line ${lines[i]} of ${file} is not a trade line: ${problem}`, 2);
  }
  return records;
}

function render(m: PerformanceMetrics, source: string, startingBalance: number): string {
  const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(2)} %`);
  return [
    `Performance of ${source} (starting balance ${startingBalance})`,
    table([
      ['trades', `${m.trades} (${m.wins} won, ${m.losses} lost, ${m.breakevens} even)`],
      ['win rate', pct(m.win_rate)],
      ['total PnL', fmt(m.total_pnl)],
      ['average PnL', `${fmt(m.avg_pnl)} (win ${fmt(m.avg_win)}, loss ${fmt(m.avg_loss)})`],
      ['profit factor', fmt(m.profit_factor)],
      ['expectancy', `${fmt(m.expectancy)} (ratio ${fmt(m.expectancy_ratio)})`],
      ['SQN', fmt(m.sqn)],
      ['max drawdown', `${fmt(m.max_drawdown_abs)} (${fmt(m.max_drawdown_pct)} %)`],
      ['Sharpe / Sortino / Calmar', `${fmt(m.sharpe)} / ${fmt(m.sortino)} / ${fmt(m.calmar)}`],
      ['CAGR', pct(m.cagr)],
      ['cost drag', m.cost_drag_bps === null ? '—' : `${m.cost_drag_bps.toFixed(1)} bps of traded notional`],
    ]),
  ].join('\n');
}
