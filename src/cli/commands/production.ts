import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline/promises';
import { resolveExpectedMetrics } from '../../app/reevolution/expected-metrics-resolver.js';
import { EXPECTATIONS_DATA_DIR, loadProductionHome, openProductionReader, openProductionWriter, type ProductionHome } from '../../app/reevolution/production-home.js';
import { resolveHome } from '../../app/paths.js';
import { CommandResultError, UsageError } from '../../model/errors.js';
import { evaluateChallengers, type ChallengerEvaluation } from '../../monitoring/production/evaluate-challengers.js';
import { addChallenger, promoteChallenger, removeChallenger, setChampion, type ChangeContext } from '../../monitoring/production/production-actions.js';
import { planPromotion, type Decision } from '../../monitoring/production/production-decisions.js';
import { effectiveProductionState, seedProduction } from '../../monitoring/production/seed-production.js';
import { parseStrategySpec } from '../../monitoring/production/strategy-spec.js';
import { PromotionKind, type ProductionState, type ProductionStore } from '../../monitoring/production/production-types.js';
import { createStrategy } from '../../strategies/registry.js';
import { COMMON_OPTIONS, parseCommandArgs } from '../args.js';
import { SqliteLedger } from '../../persistence/sqlite-ledger.js';
import { ensureHomeFolders } from '../../app/paths.js';
import { readSignOffs, recordSignOff } from '../../persistence/sqlite-safety-store.js';
import { refreshPromotionSummary } from '../../readiness/promotion-summary-file.js';
import { fmt } from '../format.js';

export const PRODUCTION_HELP = `Usage: paperlive production --set-champion ID [--reason TEXT] [--by NAME]
       paperlive production --add-challenger ID | --remove-challenger ID
       paperlive production --list-challengers [--json]
       paperlive production --evaluate [--json]
       paperlive production --promote ID [--yes] [--reason TEXT] [--by NAME]
       (each takes --home DIR and --config FILE)

Champion/challenger rotation (SPEC §8). The state lives in the home's ledger; the first
change seeds it from paper_live.yaml's strategies. A running daemon picks every change up at
its next candle. --promote asks for confirmation on a terminal; without one it refuses unless
--yes is given. ID may carry parameters: ema_trend@fast=9,slow=30.
Exit codes: 0 done, 1 refused, 2 usage, 78 invalid configs/production.yaml.`;

const OPTIONS = {
  ...COMMON_OPTIONS,
  config: { type: 'string' },
  json: { type: 'boolean' },
  yes: { type: 'boolean' },
  reason: { type: 'string' },
  by: { type: 'string' },
  'set-champion': { type: 'string' },
  'add-challenger': { type: 'string' },
  'remove-challenger': { type: 'string' },
  'list-challengers': { type: 'boolean' },
  evaluate: { type: 'boolean' },
  promote: { type: 'string' },
  'sign-off': { type: 'string' },
} as const;

type Refusal = Extract<Decision<unknown>, { ok: false }>;
type Values = ReturnType<typeof parseCommandArgs<typeof OPTIONS>>['values'];
type Action = (home: ProductionHome, values: Values) => Promise<number>;

/**
 * One handler per action flag. The human sign-off gate (`--sign-off NAME`, SPEC §9) belongs to
 * another module: it adds its option to OPTIONS and its handler here.
 */
const ACTIONS: Record<string, Action> = {
  'set-champion': async (home, values) =>
    write(home, values, (store, context) => {
      const id = strategyId(values['set-champion']!, home);
      const done = setChampion(store, id, context);
      return done.ok ? `${id} is now the champion${done.value.from ? ` (replacing ${done.value.from})` : ''}.` : done;
    }),
  'add-challenger': async (home, values) =>
    write(home, values, (store, context) => {
      const id = strategyId(values['add-challenger']!, home);
      const done = addChallenger(store, id, home.production.max_concurrent_challengers, context);
      return done.ok ? `${id} is now a challenger (shadow only), evaluated from ${context.startedAt.slice(0, 10)}.` : done;
    }),
  'remove-challenger': async (home, values) =>
    write(home, values, (store) => {
      const id = parseId(values['remove-challenger']!);
      const done = removeChallenger(store, id);
      return done.ok ? `${id} is no longer a challenger.` : done;
    }),
  'list-challengers': async (home, values) => listChallengers(snapshot(home).state, values.json === true),
  evaluate: async (home, values) => {
    const { state, evaluations } = snapshot(home);
    if (values.json) console.log(JSON.stringify(evaluations, null, 2));
    else renderEvaluations(state, evaluations);
    return 0;
  },
  promote: async (home, values) => promote(home, values),
  'sign-off': async (home, values) => signOff(home, values['sign-off']!),
};

export async function productionCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseCommandArgs('production', argv, OPTIONS);
  if (values.help) {
    console.log(PRODUCTION_HELP);
    return 0;
  }
  const chosen = Object.keys(ACTIONS).filter((name) => values[name as keyof Values] !== undefined);
  if (chosen.length !== 1) throw new UsageError(`paperlive production: give exactly one of ${Object.keys(ACTIONS).map((a) => `--${a}`).join(', ')} (see paperlive production --help)`);
  const home = loadProductionHome(resolveHome(values.home), values.config === undefined ? undefined : path.resolve(values.config));
  return ACTIONS[chosen[0]!]!(home, values);
}

async function promote(home: ProductionHome, values: Values): Promise<number> {
  const id = parseId(values.promote!);
  // Refusals first, without a ledger write and before asking anyone anything.
  const preview = snapshot(home);
  const plan = planPromotion(preview.state, id);
  if (!plan.ok) throw refused(plan.reason);
  if (!values.yes) {
    if (!process.stdin.isTTY) throw refused(`not promoting ${id} without confirmation: stdin is not a terminal; add --yes to confirm`);
    const evaluation = preview.evaluations.find((e) => e.strategy_id === id);
    console.log(`Promoting ${id} to champion; ${plan.value.from ?? 'no champion'} becomes a challenger.`);
    if (evaluation) console.log(`  ${evaluation.reasons.join('; ')}`);
    const prompt = readline.createInterface({ input: process.stdin, output: process.stdout });
    const answer = (await prompt.question('Confirm? (yes/no): ')).trim().toLowerCase();
    prompt.close();
    if (answer !== 'yes') throw refused(`promotion of ${id} cancelled`);
  }
  return write(home, values, (store, context) => {
    const done = promoteChallenger(store, id, PromotionKind.PROMOTE, context);
    return done.ok ? `Promoted ${id} to champion${done.value.from ? ` (demoted ${done.value.from}, now a challenger)` : ''}. A running daemon switches at its next candle (production version ${store.readVersion()}).` : done;
  });
}

/** Opens the ledger for writing, seeds the state if new, runs the change and reports it. */
async function write(home: ProductionHome, values: Values, change: (store: ProductionStore, context: ChangeContext) => string | Refusal): Promise<number> {
  const connection = openProductionWriter(home.paths);
  try {
    const store = connection.store!;
    const at = new Date().toISOString();
    const context: ChangeContext = { at, startedAt: connection.marketTime ?? at, reviewer: `operator:${values.by ?? operatorName()}`, reason: values.reason ?? 'operator decision' };
    const seeded = seedProduction(store, home.seed, home.production.max_concurrent_challengers, at, context.startedAt);
    if (seeded.skipped.length > 0) console.error(`paperlive production: paper_live.yaml lists more challengers than max_concurrent_challengers; not seeded: ${seeded.skipped.join(', ')}`);
    const outcome = change(store, context);
    if (typeof outcome !== 'string') throw refused(outcome.reason);
    console.log(outcome);
    // Warm the expectations cache, so drift checks of the new line-up need no backtest.
    const state = store.readState();
    for (const id of [state.champion!, ...state.challengers.map((c) => c.id)]) {
      await resolveExpectedMetrics({ id, config: home.config, production: home.production, store, write: true, dataDir: EXPECTATIONS_DATA_DIR, at });
    }
    return 0;
  } finally {
    connection.close();
  }
}

/** A read-only view of the state and of every challenger's evaluation (nothing is written). */
function snapshot(home: ProductionHome): { state: ProductionState; evaluations: ChallengerEvaluation[] } {
  const connection = openProductionReader(home.paths);
  try {
    const { store } = connection;
    const state = effectiveProductionState(store?.readState() ?? EMPTY, home.seed, home.production.max_concurrent_challengers);
    const ids = [state.champion!, ...state.challengers.map((c) => c.id)];
    const returns = new Map(ids.map((id) => [id, store?.dailyReturns(id) ?? []]));
    return { state, evaluations: evaluateChallengers(state, returns, home.production.monitoring) };
  } finally {
    connection.close();
  }
}

const EMPTY: ProductionState = { version: 0, champion: null, champion_since: null, challengers: [], reevolution_requested: false };

function listChallengers(state: ProductionState, json: boolean): number {
  if (json) {
    console.log(JSON.stringify({ champion: state.champion, champion_since: state.champion_since, challengers: state.challengers, version: state.version }, null, 2));
    return 0;
  }
  console.log(`Champion: ${state.champion}${state.champion_since ? ` (since ${state.champion_since})` : ' (from paper_live.yaml; not seeded yet)'}`);
  console.log('Challengers:');
  if (state.challengers.length === 0) console.log('  (none)');
  for (const c of state.challengers) console.log(`  - ${c.id}${c.started_at ? `  since ${c.started_at}` : ''}  (${c.added_by}: ${c.reason})`);
  return 0;
}

function renderEvaluations(state: ProductionState, evaluations: readonly ChallengerEvaluation[]): void {
  console.log(`Challenger evaluation against ${state.champion}:`);
  if (evaluations.length === 0) console.log('  (no challengers)');
  for (const e of evaluations) {
    console.log(`\n  ${e.rank}. ${e.strategy_id}${e.ready_for_promotion ? '  READY' : ''}`);
    console.log(`    paper return ${fmt(e.paper_return)} %, paper Sharpe ${fmt(e.paper_sharpe)} over ${e.days_evaluated} day(s)`);
    console.log(`    vs champion: return ${fmt(e.vs_champion_return)} %, Sharpe ${fmt(e.vs_champion_sharpe)}`);
    console.log(`    ${e.reasons.join('; ')}`);
  }
}

/** Canonical id of a strategy that builds with the home's parameters; refused otherwise. */
function strategyId(text: string, home: ProductionHome): string {
  const id = parseId(text);
  const spec = parseStrategySpec(id);
  try {
    createStrategy(spec.base, { ...home.config.strategies.params[spec.base], ...spec.params });
  } catch (error) {
    throw refused(`${text} cannot be built: ${(error as Error).message}`);
  }
  return id;
}

function parseId(text: string): string {
  try {
    return parseStrategySpec(text).id;
  } catch (error) {
    throw new UsageError(`paperlive production: ${(error as Error).message}`);
  }
}

function refused(reason: string): CommandResultError {
  return new CommandResultError(`paperlive production: refused: ${reason}`, 1);
}

function operatorName(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}

/** The human approval gate (readiness): who signed off, and when; the promotion summary is refreshed. */
async function signOff(home: ProductionHome, name: string): Promise<number> {
  if (name.trim() === '') throw new UsageError('paperlive production: --sign-off needs the name of the person approving');
  ensureHomeFolders(home.paths);
  const ledger = new SqliteLedger(home.paths.ledger);
  try {
    const record = recordSignOff(ledger.database, name.trim(), new Date().toISOString());
    refreshPromotionSummary(home.paths, { signOffs: readSignOffs(ledger.database) }, Date.now());
    console.log(`Sign-off recorded: ${record.name} at ${record.at}`);
    return 0;
  } finally {
    ledger.close();
  }
}
