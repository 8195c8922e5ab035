import fs from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { runBacktest } from '../../app/backtest.js';
import { homeAnnualizationDays, loadHomeConfig } from '../../app/home-config.js';
import { resolveHome } from '../../app/paths.js';
import { UsageError } from '../../model/errors.js';
import { COMMON_OPTIONS, parseCommandArgs, parseIsoOption } from '../args.js';
import { fmt, table } from '../format.js';

export const BACKTEST_HELP = `Usage: paperlive backtest --data DIR [--from ISO] [--to ISO] [--strategy ID] [--json] [--home DIR] [--config FILE]

Runs the daemon's own engine, gate and paper broker over recorded candles as fast as
possible (ledger in memory), and prints the metrics. Deterministic: the same inputs give
byte-identical trades. Symbols, timeframe and parameters come from the home's config.`;

export async function backtestCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseCommandArgs('backtest', argv, {
    ...COMMON_OPTIONS,
    data: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    strategy: { type: 'string' },
    json: { type: 'boolean' },
    config: { type: 'string' },
  });
  if (values.help) {
    console.log(BACKTEST_HELP);
    return 0;
  }
  if (!values.data) throw new UsageError('paperlive backtest: --data DIR is required (a folder of BINANCE_BTC-USDT_1m.csv style files)');
  if (!fs.statSync(values.data, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`paperlive backtest: --data ${values.data} is not a folder`);
  const home = resolveHome(values.home);
  const config = loadHomeConfig(home, values.config === undefined ? undefined : path.resolve(values.config));
  const from = values.from === undefined ? undefined : parseIsoOption('backtest', 'from', values.from);
  const to = values.to === undefined ? undefined : parseIsoOption('backtest', 'to', values.to);
  if (from !== undefined && to !== undefined && from >= to) throw new UsageError('paperlive backtest: --to must be after --from');
  const { hasStrategy, strategyIds } = await import('../../strategies/registry.js');
  if (values.strategy !== undefined && !hasStrategy(values.strategy)) throw new UsageError(`paperlive backtest: --strategy "${values.strategy}" is not a strategy (known: ${strategyIds().join(', ')})`);

  const bar = process.stderr.isTTY && !values.json ? new cliProgress.SingleBar({ format: 'backtest |{bar}| {percentage}% {value}/{total} candles', stream: process.stderr }, cliProgress.Presets.shades_classic) : null;
  let started = false;
  const result = await runBacktest({
    config,
    dataDir: values.data,
    from,
    to,
    strategy: values.strategy,
    annualizationDays: homeAnnualizationDays(home),
    onProgress: (done, total) => {
      if (!bar) return;
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(done);
    },
  });
  bar?.stop();
  if (result.candles === 0) console.error(`paperlive backtest: no candle of ${config.feed.symbols.join(', ')} (${config.feed.timeframe}) in ${values.data} falls in the range asked for`);
  if (values.json) {
    console.log(JSON.stringify(result));
    return 0;
  }
  const m = result.metrics;
  console.log(
    table([
      ['strategy', values.strategy ?? config.strategies.champion],
      ['candles', `${result.candles} in ${result.wall_ms} ms (${Math.round(result.candles / (Math.max(1, result.wall_ms) / 1000)).toLocaleString('en-US')}/s)`],
      ['trades', `${m.trades} (${m.wins} won, ${m.losses} lost)`],
      ['win rate', m.win_rate === null ? '—' : `${(m.win_rate * 100).toFixed(2)} %`],
      ['net PnL', `${fmt(m.total_pnl)} ${config.account.currency}`],
      ['profit factor', fmt(m.profit_factor)],
      ['expectancy', `${fmt(m.expectancy)} (ratio ${fmt(m.expectancy_ratio)})`],
      ['SQN', fmt(m.sqn)],
      ['max drawdown', `${fmt(m.max_drawdown_pct)} %`],
      ['Sharpe / Sortino / Calmar', `${fmt(m.sharpe)} / ${fmt(m.sortino)} / ${fmt(m.calmar)}`],
      ['CAGR', m.cagr === null ? '—' : `${(m.cagr * 100).toFixed(2)} %`],
      ['cost drag', `${fmt(m.cost_drag_bps, 1)} bps`],
    ]),
  );
  return 0;
}
