import type { EdgeStats } from './edge-stats.js';
import type { SegmentEdge } from './segment-edge.js';
import type { WeeklyReport } from './weekly-report.js';

const dash = '—';
const num = (x: number | null | undefined, digits = 2) => (x === null || x === undefined ? dash : Number.isInteger(x) ? String(x) : x.toFixed(digits));
const pct = (x: number | null | undefined) => (x === null || x === undefined ? dash : `${(x * 100).toFixed(1)}%`);
const yesNo = (x: boolean | null | undefined) => (x === null || x === undefined ? 'no data' : x ? 'Yes' : 'No');

function table(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string[] {
  if (rows.length === 0) return ['_no data_'];
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

const edgeRow = (name: string, e: EdgeStats) => [name, String(e.decisions), String(e.evaluated), num(e.delta_pnl), pct(e.hit_rate), num(e.mean_net_return_pct, 3), num(e.sharpe), yesNo(e.edge_positive)];
const EDGE_HEADER = ['', 'decisions', 'evaluated', 'ΔPnL', 'hit rate', 'mean net %', 'Sharpe', 'edge +'];

function segmentTable(segments: Readonly<Record<string, SegmentEdge>>): string[] {
  const rows: string[][] = [];
  for (const [segment, edge] of Object.entries(segments)) {
    rows.push(edgeRow(`**${segment}** (shadow)`, edge));
    for (const [strategy, stats] of Object.entries(edge.by_strategy)) rows.push(edgeRow(`${segment} · ${strategy}`, stats));
  }
  return table(EDGE_HEADER, rows);
}

/** The .md beside the JSON: what an operator reads on Monday morning, in the runbook's order. */
export function renderWeeklyMarkdown(r: WeeklyReport, svgName: string): string {
  const c = r.counterfactual_evaluation;
  const g = r.summary.promotion_gate_progress;
  const costs = r.cost_decomposition;
  const btc = r.btc_diagnosis;
  const lines: string[] = [
    `# Weekly shadow report ${r.week}`,
    '',
    `${r.week_start} to ${r.week_ending} (UTC, market time)${r.week_complete ? '' : ' — week not complete yet'}. Generated ${r.timestamp}.`,
    '',
    `**${r.summary.headline}**`,
    '',
    `- Overall edge positive: ${yesNo(r.summary.overall_edge_positive)}`,
    `- Edge stable across regimes: ${yesNo(r.summary.edge_stable_across_regimes)} (${r.summary.regimes_with_positive_edge} of ${r.summary.regimes_evaluated} regimes with enough data)`,
    `- Weeks of collection: ${g.weeks_collected} / ${g.weeks_required}`,
    '',
    '## Alerts',
    '',
    ...(r.summary.alerts.length > 0 ? r.summary.alerts.map((a) => `- ${a}`) : ['- none']),
    '',
    '## Data collection',
    '',
    `${r.data_collection.total_decisions} decisions (${r.data_collection.entry_decisions} entries, ${r.data_collection.outcomes} outcomes) on ${r.data_collection.days_with_decisions} days; ${r.data_collection.total_all_time} in all. Champion: ${r.data_collection.champion_signals} signals, ${r.data_collection.champion_trades} trades.`,
    ...(r.data_collection.note ? ['', `_${r.data_collection.note}_`] : []),
    '',
    ...table(['by', 'counts'], [
      ['symbol', fmtCounts(r.data_collection.by_symbol)],
      ['regime', fmtCounts(r.data_collection.by_regime)],
      ['role', fmtCounts(r.data_collection.by_role)],
    ]),
    '',
    `## Counterfactual evaluation (horizon ${c.primary_horizon ?? dash})`,
    '',
    ...table(EDGE_HEADER, [edgeRow('**shadow** (challengers + advisors)', c.shadow), edgeRow('**champion** (baseline)', c.champion), ...Object.entries(c.by_strategy).map(([id, e]) => edgeRow(`${id} (${e.role})`, e))]),
    '',
    `Incremental Sharpe (shadow − champion, per decision): ${num(c.incremental_sharpe)}. Pending: ${c.pending}.`,
    ...(c.note ? ['', `_${c.note}_`] : []),
    '',
    '## Edge by symbol',
    '',
    ...segmentTable(r.symbol_edge_analysis),
    '',
    '## Edge by regime',
    '',
    ...segmentTable(r.regime_edge_analysis),
    '',
    `![charts](${svgName})`,
    '',
    '## Costs (champion paper trades)',
    '',
    ...table(['trades', 'PnL before costs', 'slippage', 'fees', 'net PnL', 'costs % of PnL before costs', 'realised cost % / trade', 'estimated cost %'], costs.trades > 0 ? [[String(costs.trades), num(costs.pnl_before_costs), num(costs.slippage), num(costs.fees), num(costs.net_pnl), num(costs.cost_pct_of_pnl_before_costs, 1), num(costs.realized_cost_pct, 3), num(costs.estimated_cost_pct, 3)]] : []),
    ...(costs.note ? ['', `_${costs.note}_`] : []),
    '',
    '## Confidence threshold sweep',
    '',
    `Best threshold: ${r.confidence_sweep.best_threshold ?? dash} (needs ${r.confidence_sweep.min_sample} evaluated decisions).`,
    '',
    ...table(['threshold', 'decisions', 'hit rate', 'mean net %', 'ΔPnL', 'Sharpe'], r.confidence_sweep.evaluated_total > 0 ? r.confidence_sweep.results.map((s) => [s.threshold.toFixed(2), String(s.evaluated), pct(s.hit_rate), num(s.mean_net_return_pct, 3), num(s.delta_pnl), num(s.sharpe)]) : []),
    '',
    `## Drift vs ${r.drift_check.prior_week}`,
    '',
    ...table(['metric', 'this week', 'prior week', 'change'], Object.entries(r.drift_check.metrics).map(([k, m]) => [k, num(m.this_week, 3), num(m.prior_week, 3), num(m.change, 3)])),
    '',
    `Drift detected: ${yesNo(r.drift_check.drift_detected)}.`,
    '',
    '## BTC turnover diagnosis',
    '',
    `Primary cause: ${btc.primary_cause ?? 'no data'}. Entry signals ${btc.entry_signals}, executed ${btc.executed_entries}, turnover-blocked ${btc.turnover_blocked} (${pct(btc.turnover_block_rate)}); ${num(btc.entries_per_day)} entries/day; edge before costs ${num(btc.edge_before_costs_pct, 3)}% vs realised cost ${num(btc.realized_cost_pct, 3)}% per trade.`,
    ...btc.findings.map((f) => `- ${f}`),
    '',
    '## Promotion gates (Phase 2C)',
    '',
    ...table(['gate', 'value', 'required', 'met'], [
      ['weeks of data', String(g.weeks_collected), `≥ ${g.weeks_required}`, yesNo(g.data_collection_met)],
      ['edge positive', yesNo(g.edge_positive), 'Yes', yesNo(g.edge_positive)],
      ['hit rate', pct(g.hit_rate), `≥ ${pct(g.hit_rate_required)}`, yesNo(g.hit_rate_met)],
      ['incremental Sharpe', num(g.incremental_sharpe), `≥ ${g.incremental_sharpe_required}`, yesNo(g.incremental_sharpe_met)],
      ['max drawdown', g.max_drawdown_pct === null ? dash : `${num(g.max_drawdown_pct)}%`, `< ${g.max_drawdown_limit_pct}%`, yesNo(g.max_drawdown_met)],
      ['BTC edge survives costs', yesNo(g.btc_edge_survives_costs), 'Yes', yesNo(g.btc_edge_survives_costs)],
      ['human sign-off', 'not read here', 'documented', 'no data'],
    ]),
    '',
  ];
  return lines.join('\n');
}

function fmtCounts(counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts);
  return entries.length === 0 ? dash : entries.map(([k, v]) => `${k} ${v}`).join(', ');
}
