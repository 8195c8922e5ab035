import fs from 'node:fs';
import path from 'node:path';
import cliProgress from 'cli-progress';
import { EXPECTATIONS_DATA_DIR, loadProductionHome, openProductionWriter } from '../../app/reevolution/production-home.js';
import { runReevolution, type ReevolutionResult } from '../../app/reevolution/run-reevolution.js';
import { resolveHome } from '../../app/paths.js';
import { seedProduction } from '../../monitoring/production/seed-production.js';
import { COMMON_OPTIONS, parseCommandArgs, parseNumberOption } from '../args.js';
import { fmt } from '../format.js';

export const TRIGGER_REEVOLUTION_HELP = `Usage: paperlive trigger-reevolution [--home DIR] [--config FILE] [--data DIR] [--json]
                                    [--seed N] [--workers N] [--lookback-days N] [--candidates N]

Re-optimises the champion's parameters on the most recent candles (configs/production.yaml
reevolution.*): a walk-forward split, an in-sample search over each parameter's range on
worker threads, out-of-sample validation; the best become challengers named
<strategy>@<param>=<value>,... with their out-of-sample metrics as expectations. With
reevolution.command set, that external optimiser proposes the strategies instead.
--data: folder of recorded candles (default: feed.replay.data_dir of the home if it exists,
else the bundled data/replay). Same seed and data: same result. Exit code 0.`;

export async function triggerReevolutionCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseCommandArgs('trigger-reevolution', argv, {
    ...COMMON_OPTIONS,
    config: { type: 'string' },
    data: { type: 'string' },
    json: { type: 'boolean' },
    seed: { type: 'string' },
    workers: { type: 'string' },
    'lookback-days': { type: 'string' },
    candidates: { type: 'string' },
  });
  if (values.help) {
    console.log(TRIGGER_REEVOLUTION_HELP);
    return 0;
  }
  const int = (flag: string, value: string | undefined, min: number, max: number) =>
    value === undefined ? undefined : parseNumberOption('trigger-reevolution', flag, value, (n) => Number.isInteger(n) && n >= min && n <= max, `a whole number from ${min} to ${max}`);
  const seed = int('seed', values.seed, 0, 2 ** 32 - 1);
  const workers = int('workers', values.workers, 0, 64);
  const maxCandidates = int('candidates', values.candidates, 1, 10_000);
  const lookbackDays = values['lookback-days'] === undefined ? undefined : parseNumberOption('trigger-reevolution', 'lookback-days', values['lookback-days'], (n) => n > 0 && n <= 3650, 'a number of days above 0');
  const home = loadProductionHome(resolveHome(values.home), values.config === undefined ? undefined : path.resolve(values.config));
  const configured = path.resolve(home.paths.home, home.config.feed.replay.data_dir);
  const dataDir = values.data !== undefined ? path.resolve(values.data) : fs.existsSync(configured) ? configured : EXPECTATIONS_DATA_DIR;

  const connection = openProductionWriter(home.paths);
  const bar = process.stderr.isTTY && !values.json ? new cliProgress.SingleBar({ format: 're-evolution {phase} |{bar}| {value}/{total} backtests', stream: process.stderr }, cliProgress.Presets.shades_classic) : null;
  try {
    const store = connection.store!;
    const at = new Date().toISOString();
    const startedAt = connection.marketTime ?? at;
    seedProduction(store, home.seed, home.production.max_concurrent_challengers, at, startedAt);
    const champion = store.readState().champion!;
    let phase = '';
    const result = await runReevolution({
      config: home.config,
      production: home.production,
      store,
      champion,
      dataDir,
      at,
      startedAt,
      cwd: home.paths.home,
      seed,
      workers,
      lookbackDays,
      maxCandidates,
      onProgress: (name, done, total) => {
        if (!bar) return;
        if (name !== phase) {
          if (phase !== '') bar.stop();
          phase = name;
          bar.start(total, 0, { phase: name });
        }
        bar.update(done, { phase: name });
      },
    });
    bar?.stop();
    console.log(values.json ? JSON.stringify(result, null, 2) : render(result));
    return 0;
  } finally {
    bar?.stop();
    connection.close();
  }
}

function render(r: ReevolutionResult): string {
  const sharpe = (c: { out_of_sample: { metrics: { sharpe: number | null }; trades: number } | null; in_sample: { metrics: { sharpe: number | null }; trades: number } | null }) =>
    `in-sample Sharpe ${fmt(c.in_sample?.metrics.sharpe)} (${c.in_sample?.trades ?? '—'} trades), out-of-sample ${fmt(c.out_of_sample?.metrics.sharpe)} (${c.out_of_sample?.trades ?? '—'} trades)`;
  const lines = [
    `Re-evolution of ${r.champion} (${r.method}, seed ${r.seed}, ${r.candidates} candidate(s), ${r.threads} worker thread(s))`,
    `  in-sample ${r.window.from} .. ${r.window.split}, out-of-sample .. ${r.window.to}`,
    `  champion as is: ${sharpe(r.champion_result)}`,
    '',
    'Validated, best first:',
    ...(r.ranked.length === 0 ? ['  (none: no candidate had an in-sample Sharpe)'] : r.ranked.map((c, i) => `  ${i + 1}. ${c.id}: ${sharpe(c)}`)),
    '',
    r.registered.length === 0 ? 'No new challenger.' : `New challenger(s): ${r.registered.map((c) => c.id).join(', ')}`,
    ...r.skipped.map((s) => `  skipped ${s.id}: ${s.reason}`),
  ];
  return lines.join('\n');
}
