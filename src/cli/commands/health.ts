import { homePaths, resolveHome } from '../../app/paths.js';
import { CommandResultError } from '../../model/errors.js';
import { readSafetyLedger } from '../../persistence/sqlite-safety-store.js';
import { evaluateReadiness, type ReadinessReport } from '../../readiness/evaluate-readiness.js';
import { loadReadinessInput } from '../../readiness/load-readiness.js';
import { exitCodeOf } from '../../readiness/readiness-verdict.js';
import { COMMON_OPTIONS, parseCommandArgs } from '../args.js';

export const HEALTH_HELP = `Usage: paperlive health [--home DIR] [--json] [--quiet]

The readiness verdict before going live (GO / CONDITIONAL / NO_GO), with its reasons and the
next actions (docs/readiness.md). --json: the readiness object; --quiet: print nothing.
Exit codes: 0 GO, 1 CONDITIONAL, 2 NO_GO (from live_rollout_readiness).`;

export async function healthCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseCommandArgs('health', argv, { ...COMMON_OPTIONS, json: { type: 'boolean' }, quiet: { type: 'boolean' } });
  if (values.help) {
    console.log(HEALTH_HELP);
    return 0;
  }
  const home = resolveHome(values.home);
  const paths = homePaths(home);
  let ledger: ReturnType<typeof readSafetyLedger>;
  try {
    ledger = readSafetyLedger(paths.ledger);
  } catch (error) {
    // Readiness cannot be shown without the books: that is a NO_GO, not a crash.
    throw new CommandResultError(`paperlive health: the ledger ${paths.ledger} cannot be read (${(error as Error).message}), so readiness is NO_GO`, 2);
  }
  const report = evaluateReadiness(loadReadinessInput({ paths, env: process.env, now: Date.now(), ledger }));
  if (!values.quiet) console.log(values.json ? JSON.stringify(report, null, 2) : describe(home, report));
  const code = exitCodeOf(report.live_rollout_readiness);
  if (code !== 0) throw new CommandResultError('', code);
  return 0;
}

function describe(home: string, report: ReadinessReport): string {
  const lines = [`live rollout readiness: ${report.live_rollout_readiness} (overall readiness ${report.overall_readiness}) — home ${home}`, '', 'Reasons:'];
  for (const reason of report.live_rollout_reasons) lines.push(`  - ${reason}`);
  lines.push('', 'Next actions:');
  for (const action of report.live_rollout_next_actions) lines.push(`  - ${action}`);
  lines.push('', 'Components:');
  const width = Math.max(...Object.keys(report.components).map((k) => k.length));
  for (const [name, component] of Object.entries(report.components)) {
    const status = typeof component.status === 'string' ? component.status : `informational: ${String(component.verdict)}`;
    lines.push(`  ${name.padEnd(width)}  ${status}`);
  }
  return lines.join('\n');
}
