import path from 'node:path';
import { resolveExpectedMetrics } from '../../app/reevolution/expected-metrics-resolver.js';
import { EXPECTATIONS_DATA_DIR, loadProductionHome, openProductionReader, openProductionWriter, type ProductionHome } from '../../app/reevolution/production-home.js';
import { resolveHome } from '../../app/paths.js';
import { UsageError } from '../../model/errors.js';
import { detectDrift } from '../../monitoring/drift/detect-drift.js';
import type { DriftAssessment } from '../../monitoring/drift/drift-report.js';
import { runDailyCheck } from '../../monitoring/production/daily-check.js';
import { effectiveProductionState, seedProduction } from '../../monitoring/production/seed-production.js';
import { parseStrategySpec } from '../../monitoring/production/strategy-spec.js';
import { ReturnSource, type ProductionStore } from '../../monitoring/production/production-types.js';
import { createStrategy } from '../../strategies/registry.js';
import { COMMON_OPTIONS, parseCommandArgs, parseNumberOption } from '../args.js';
import { fmt, table } from '../format.js';

export const MONITOR_HELP = `Usage: paperlive monitor --status [--json]
       paperlive monitor --check-drift --strategy ID [--json]
       paperlive monitor --log --strategy ID --date YYYY-MM-DD --daily-return R [--json]
       (each takes --home DIR and --config FILE)

Drift monitoring (SPEC §8, configured by configs/production.yaml; docs/monitoring.md):
  --status        champion and challengers: days logged, return, drawdown, rolling Sharpe,
                  drift, consecutive drift days, open re-evolution request. Read-only.
  --check-drift   the drift verdict of one strategy on its logged daily returns. Read-only:
                  counts nothing; exits 0 whether or not drift is detected.
  --log           records one day's return in percent (-1.5 = -1.5 %) and runs the daily check:
                  counts the drift day, requests a re-evolution after drift_days_before_reevolve
                  consecutive ones, and on the champion's emergency drawdown promotes the best
                  challenger with a positive paper Sharpe (CRITICAL on stderr).
ID is a strategy id, optionally with parameters: ema_trend@fast=9,slow=30.
Exit codes: 0, 2 usage, 78 invalid configs/production.yaml.`;

export async function monitorCommand(argv: readonly string[]): Promise<number> {
  const { values } = parseCommandArgs('monitor', argv, {
    ...COMMON_OPTIONS,
    config: { type: 'string' },
    json: { type: 'boolean' },
    status: { type: 'boolean' },
    'check-drift': { type: 'boolean' },
    log: { type: 'boolean' },
    strategy: { type: 'string' },
    date: { type: 'string' },
    'daily-return': { type: 'string' },
  });
  if (values.help) {
    console.log(MONITOR_HELP);
    return 0;
  }
  const actions = (['status', 'check-drift', 'log'] as const).filter((a) => values[a]);
  if (actions.length !== 1) throw new UsageError(`paperlive monitor: give exactly one of --status, --check-drift, --log (see paperlive monitor --help)`);
  const action = actions[0]!;
  if (action !== 'status' && values.strategy === undefined) throw new UsageError(`paperlive monitor: --${action} needs --strategy ID`);
  const home = loadProductionHome(resolveHome(values.home), values.config === undefined ? undefined : path.resolve(values.config));
  const json = values.json === true;
  if (action === 'status') return status(home, json);
  const strategy = strategyId(values.strategy!, home);
  if (action === 'check-drift') return checkDrift(home, strategy, json);
  if (values.date === undefined || values['daily-return'] === undefined) throw new UsageError('paperlive monitor: --log needs --date YYYY-MM-DD and --daily-return R (percent)');
  const date = parseDay(values.date);
  const dailyReturn = parseNumberOption('monitor', 'daily-return', values['daily-return'], (n) => n > -100 && n <= 10_000, 'a daily return in percent above -100');
  return log(home, strategy, date, dailyReturn, json);
}

async function status(home: ProductionHome, json: boolean): Promise<number> {
  const connection = openProductionReader(home.paths);
  try {
    const { store } = connection;
    const state = effectiveProductionState(store?.readState() ?? { version: 0, champion: null, champion_since: null, challengers: [], reevolution_requested: false }, home.seed, home.production.max_concurrent_challengers);
    const roles = [{ strategy: state.champion!, role: 'champion' }, ...state.challengers.map((c) => ({ strategy: c.id, role: 'challenger' }))];
    const strategies = [];
    for (const { strategy, role } of roles) {
      const { assessment, source } = await assess(home, store, strategy, false);
      const points = store?.dailyReturns(strategy) ?? [];
      strategies.push({
        strategy,
        role,
        days_logged: points.length,
        last_date: points.at(-1)?.date ?? null,
        cumulative_return: assessment.detail.cumulative_return,
        current_drawdown: assessment.report.current_drawdown,
        rolling_sharpe: assessment.report.rolling_sharpe,
        expected_sharpe: assessment.report.expected_sharpe,
        consecutive_drift_days: store?.driftCounter(strategy)?.consecutive ?? 0,
        drift_type: assessment.report.drift_type,
        change_point: assessment.report.change_point?.detected ?? false,
        expectations: source,
      });
    }
    const requests = store?.reevolutionRequests('open') ?? [];
    const promotions = store?.promotions(5) ?? [];
    const document = {
      version: state.version,
      champion: state.champion,
      champion_since: state.champion_since,
      challengers: state.challengers.map((c) => c.id),
      reevolution_requested: state.reevolution_requested,
      reevolution_requests: requests,
      strategies,
      promotions,
    };
    if (json) {
      console.log(JSON.stringify(document, null, 2));
      return 0;
    }
    console.log(`Champion ${state.champion}${state.champion_since ? ` since ${state.champion_since}` : ' (from paper_live.yaml; not seeded yet)'}; production version ${state.version}`);
    for (const s of strategies) {
      console.log(`\n${s.strategy} (${s.role}):`);
      console.log(
        indent(
          table([
            ['days logged', `${s.days_logged}${s.last_date ? ` (last ${s.last_date})` : ''}`],
            ['cumulative return', pct(s.cumulative_return)],
            ['current drawdown', pct(s.current_drawdown)],
            ['rolling / expected Sharpe', `${fmt(s.rolling_sharpe)} / ${fmt(s.expected_sharpe)}`],
            ['drift', `${s.drift_type}${s.change_point ? ' (+ change point)' : ''}, ${s.consecutive_drift_days} consecutive drift day(s)`],
            ['expectations', s.expectations],
          ]),
        ),
      );
    }
    console.log(`\nRe-evolution requested: ${state.reevolution_requested ? `yes (${requests.map((r) => r.reason).join('; ')})` : 'no'}`);
    if (promotions.length > 0) console.log(`Last change: ${promotions[0]!.at} ${promotions[0]!.kind} ${promotions[0]!.from ?? '—'} → ${promotions[0]!.to} by ${promotions[0]!.reviewer}`);
    return 0;
  } finally {
    connection.close();
  }
}

async function checkDrift(home: ProductionHome, strategy: string, json: boolean): Promise<number> {
  const connection = openProductionReader(home.paths);
  try {
    const { assessment, source } = await assess(home, connection.store, strategy, false);
    if (json) console.log(JSON.stringify(assessment.report, null, 2));
    else console.log(renderDrift(strategy, assessment, source, home));
    return 0;
  } finally {
    connection.close();
  }
}

async function log(home: ProductionHome, strategy: string, date: string, dailyReturn: number, json: boolean): Promise<number> {
  const connection = openProductionWriter(home.paths);
  try {
    const store = connection.store!;
    const at = new Date().toISOString();
    const marketTime = connection.marketTime ?? at;
    seedProduction(store, home.seed, home.production.max_concurrent_challengers, at, marketTime);
    const sources = new Map<string, string>();
    const result = await runDailyCheck({
      store,
      returns: [{ date, strategy, return_pct: dailyReturn, source: ReturnSource.MANUAL }],
      settings: home.production,
      expectedFor: async (id) => {
        const resolved = await resolveExpectedMetrics({ id, config: home.config, production: home.production, store, write: true, dataDir: EXPECTATIONS_DATA_DIR, at });
        sources.set(id, resolved.source);
        return resolved.metrics;
      },
      at,
      marketTime,
    });
    for (const alert of result.alerts) console.error(`${alert.level.toUpperCase()}: ${alert.message}`);
    const assessment = result.assessments[0]!.assessment;
    const counter = store.driftCounter(strategy);
    if (json) {
      console.log(JSON.stringify({ logged: { date, strategy, return_pct: dailyReturn }, drift: assessment.report, consecutive_drift_days: counter?.consecutive ?? 0, alerts: result.alerts }, null, 2));
      return 0;
    }
    console.log(`Logged ${strategy} ${date}: ${dailyReturn >= 0 ? '+' : ''}${dailyReturn} %`);
    console.log(renderDrift(strategy, assessment, sources.get(strategy) ?? '', home));
    return 0;
  } finally {
    connection.close();
  }
}

async function assess(home: ProductionHome, store: ProductionStore | null, strategy: string, write: boolean): Promise<{ assessment: DriftAssessment; source: string }> {
  const resolved = await resolveExpectedMetrics({ id: strategy, config: home.config, production: home.production, store, write, dataDir: EXPECTATIONS_DATA_DIR, at: new Date().toISOString() });
  const assessment = detectDrift({ points: store?.dailyReturns(strategy) ?? [], expected: resolved.metrics, settings: home.production, counter: store?.driftCounter(strategy) ?? null });
  return { assessment, source: resolved.source };
}

function renderDrift(strategy: string, { report, detail }: DriftAssessment, source: string, home: ProductionHome): string {
  const m = home.production.monitoring;
  const lines = [
    `Drift check for ${strategy} (${detail.days} day(s) logged):`,
    indent(
      table([
        ['detected', String(report.detected)],
        ['type', report.drift_type],
        ['severity', fmt(report.severity)],
        ['message', report.message],
        ['rolling / expected Sharpe', `${fmt(report.rolling_sharpe)} / ${fmt(report.expected_sharpe)}`],
        ['current drawdown', `${pct(report.current_drawdown)} (threshold ${m.max_drawdown_threshold} %, emergency ${m.emergency_drawdown} %)`],
        ['rolling / expected volatility', `${pct(detail.rolling_volatility)} / ${pct(detail.expected_volatility)}${detail.expected_volatility_basis ? ` (${detail.expected_volatility_basis})` : ''}`],
        ['consecutive drift days', `${detail.consecutive_drift_days} of ${m.drift_days_before_reevolve}`],
        ['change point', report.change_point === null ? 'disabled' : report.change_point.message],
        ['expectations', source],
        ...(detail.skipped.length > 0 ? [['not checked', detail.skipped.join('; ')] as const] : []),
      ]),
    ),
  ];
  if (report.should_demote_champion) lines.push('  RECOMMENDATION: demote the champion (emergency drawdown)');
  if (report.should_trigger_reevolution) lines.push('  RECOMMENDATION: trigger re-evolution (paperlive trigger-reevolution)');
  return lines.join('\n');
}

/** Canonical id whose strategy builds with the home's parameters; a usage error otherwise. */
function strategyId(text: string, home: ProductionHome): string {
  try {
    const spec = parseStrategySpec(text);
    createStrategy(spec.base, { ...home.config.strategies.params[spec.base], ...spec.params });
    return spec.id;
  } catch (error) {
    throw new UsageError(`paperlive monitor: --strategy ${text}: ${(error as Error).message}`);
  }
}

function parseDay(text: string): string {
  const ms = Date.parse(`${text}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text) {
    throw new UsageError(`paperlive monitor: --date "${text}" is not a calendar day such as 2026-03-01`);
  }
  return text;
}

function pct(value: number | null): string {
  return value === null ? '—' : `${value.toFixed(2)} %`;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
