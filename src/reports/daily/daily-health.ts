import { OverallHealth, type CapitalPreservationSection, type HealthAlert, type PaperAccountSection, type ShadowCollection, type StrategyWeightingSection, type TradeGateSection } from './daily-report-types.js';

export interface HealthFacts {
  readonly day: string;
  readonly shadow: ShadowCollection;
  readonly capital: CapitalPreservationSection;
  readonly weighting: StrategyWeightingSection;
  readonly gate: TradeGateSection;
  readonly account: PaperAccountSection;
  readonly issues: readonly string[];
}

/** Below this many judged entries a day's rates say more about chance than about the gate. */
export const MIN_GATE_SAMPLE = 10;
export const HIGH_REJECTION_RATE = 0.8;
export const TURNOVER_BAND = { min: 0.05, max: 0.7 } as const;

const pct = (x: number) => `${Math.round(x * 100)}%`;
const signedPct = (x: number) => `${x < 0 ? '-' : '+'}${(Math.abs(x) * 100).toFixed(1)}%`;

/**
 * Reference 002's health rules. CRITICAL: a clamp violation, capital preservation in
 * LOCKDOWN/CRISIS, or shadow logging stopped while the engine was working. WARNING: anything
 * an operator should look at (high rejection rate, turnover block rate outside 5–70 %, a level
 * change, a day without any data, skipped log lines). HEALTHY: none of these.
 */
export function judgeDailyHealth(f: HealthFacts): { overall_health: OverallHealth; alerts: string[]; recommendations: string[]; alert_details: HealthAlert[] } {
  const found: HealthAlert[] = [];
  const add = (level: HealthAlert['level'], code: string, message: string, recommendation: string) => found.push({ level, code, message, recommendation });

  for (const v of f.weighting.violations) {
    const shift = v.clamp_held ? (v.requested_shift ?? v.applied_shift) : v.applied_shift;
    const held = v.clamp_held ? ` (the clamp held: applied ${signedPct(v.applied_shift)})` : ' (the clamp did NOT hold)';
    add('CRITICAL', 'clamp_violation', `CLAMP VIOLATION: Strategy ${v.strategy} shifted ${signedPct(shift)}, exceeds max ${pct(f.weighting.clamp_limit)}${held}`, 'Investigate the strategy weighting advisor at once (data/rl/strategy_weights.json history); this should never happen.');
  }
  const level = f.capital.current_level;
  if (level !== null && ['lockdown', 'crisis'].includes(level.toLowerCase())) {
    add('CRITICAL', 'capital_preservation_halt', `Capital preservation in ${level.toUpperCase()}`, 'Review the losses that triggered it and wait for recovery; do not override it or force trades.');
  } else if (f.capital.alert) {
    add('WARNING', 'capital_preservation_change', `Capital preservation level is ${level ?? 'unknown'} after ${f.capital.transitions_today} transition(s) today`, 'Review data/capital_preservation_state.json and the losses behind the change.');
  }

  const engineActive = f.account.signals_today > 0 || f.gate.evaluated > 0 || f.account.trades_today > 0;
  if (f.shadow.decisions_today === 0 && engineActive) {
    const what = f.account.signals_today > 0 ? `${f.account.signals_today} signals` : `${f.gate.evaluated} gate decisions`;
    add('CRITICAL', 'shadow_logging_stopped', `Shadow logging stopped: 0 shadow decisions on ${f.day} while the engine logged ${what}`, 'Check that shadow mode is enabled and data/rl/shadow_decisions.jsonl is being written; look for exceptions in logs/paper_live.log.');
  } else if (f.shadow.decisions_today === 0) {
    add('WARNING', 'no_data', `No data for ${f.day}: no shadow decisions, signals, gate decisions or trades were recorded`, 'Check that the daemon was running that day (status.json, heartbeat).');
  }

  if (f.gate.evaluated >= MIN_GATE_SAMPLE && f.gate.rejection_rate !== null && f.gate.rejection_rate >= HIGH_REJECTION_RATE) {
    add('WARNING', 'high_rejection_rate', `High TradeGate rejection rate: ${pct(f.gate.rejection_rate)} (${f.gate.rejections_today} of ${f.gate.evaluated} entry signals)`, 'Review signal quality or the TradeGate thresholds (rejection_reasons shows which check decides).');
  }
  const turnover = f.gate.turnover_block_rate;
  if (f.gate.evaluated >= MIN_GATE_SAMPLE && turnover !== null && (turnover > TURNOVER_BAND.max || turnover < TURNOVER_BAND.min)) {
    const high = turnover > TURNOVER_BAND.max;
    add(
      'WARNING',
      high ? 'turnover_block_rate_high' : 'turnover_block_rate_low',
      `Turnover block rate (${pct(turnover)}) ${high ? `exceeds ${pct(TURNOVER_BAND.max)}` : `below ${pct(TURNOVER_BAND.min)}`}`,
      high ? 'Review the turnover governor settings: it may be over-throttling.' : 'Review the turnover governor settings: they may be too loose.',
    );
  }
  if (f.issues.length > 0) {
    add('WARNING', 'unreadable_input', `Some inputs could not be read in full: ${f.issues.join('; ')}`, 'A torn final line after a crash is expected once; more than that means a writer is broken.');
  }

  const overall = found.some((a) => a.level === 'CRITICAL') ? OverallHealth.CRITICAL : found.length > 0 ? OverallHealth.WARNING : OverallHealth.HEALTHY;
  return {
    overall_health: overall,
    alerts: found.map((a) => a.message),
    recommendations: [...new Set(found.map((a) => a.recommendation))],
    alert_details: found,
  };
}
