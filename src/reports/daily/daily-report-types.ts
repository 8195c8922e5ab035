/** The shape of the daily health report; builders live in daily-report.ts, rules in daily-health.ts. */
export const OverallHealth = { HEALTHY: 'HEALTHY', WARNING: 'WARNING', CRITICAL: 'CRITICAL' } as const;
export type OverallHealth = (typeof OverallHealth)[keyof typeof OverallHealth];

export interface HealthAlert {
  readonly level: 'CRITICAL' | 'WARNING';
  /** Stable code, for scripts and the readiness check. */
  readonly code: string;
  readonly message: string;
  readonly recommendation: string;
}

/**
 * data/reports/daily_shadow_health_YYYY-MM-DD.json: reference 002's daily health schema
 * (every key and type of it), plus what the ledger lets us add. Counts cover the UTC market
 * day `date`. A value that was not measured is null and the section's `note` says why.
 */
export interface DailyReport {
  readonly schema_version: 1;
  readonly date: string;
  /** Wall time the report was made. */
  readonly timestamp: string;
  /** True once the engine has processed a candle of a later day. */
  readonly market_day_closed: boolean;
  readonly shadow_collection: ShadowCollection;
  readonly capital_preservation: CapitalPreservationSection;
  readonly strategy_weighting: StrategyWeightingSection;
  readonly tradegate: TradeGateSection;
  readonly paper_account: PaperAccountSection;
  readonly data_sources: DataSources;
  readonly summary: { readonly overall_health: OverallHealth; readonly alerts: readonly string[]; readonly recommendations: readonly string[]; readonly alert_details: readonly HealthAlert[] };
}

export interface ShadowCollection {
  /** At least one shadow decision on the day. */
  readonly logging_healthy: boolean;
  readonly decisions_today: number;
  /** Decisions of the day without any outcome line yet. */
  readonly pending_decisions: number;
  /** Decisions up to the end of the day. */
  readonly total_all_time: number;
  readonly outcomes_today: number;
  readonly by_role: Readonly<Record<string, number>>;
  readonly by_strategy: Readonly<Record<string, number>>;
  readonly last_decision_at: string | null;
  readonly note: string | null;
}

export interface CapitalPreservationSection {
  /** Lower-case as in reference 002 ("normal" … "crisis"); null without the state file. */
  readonly current_level: string | null;
  readonly transitions_today: number;
  readonly alert: boolean;
  readonly note: string | null;
}

export interface StrategyWeightingSection {
  /** The advisor's weights file exists. */
  readonly enabled: boolean;
  readonly shifts_today: number;
  /** Largest |shift| of one strategy's weight from its opening weight of the day (fraction: 0.05 = 5 %); null without shifts. */
  readonly max_shift_observed: number | null;
  /** An advisor asked for more than the clamp (the runbook's CLAMP VIOLATION), or a weight moved past it. */
  readonly clamp_exceeded: boolean;
  readonly clamp_limit: number;
  /** Shifts the advisor asked for beyond the limit, cut down by the clamp. */
  readonly clamped_today: number;
  /** `clamp_held`: the applied shift stayed within the limit (the clamp worked; the advisor did not). */
  readonly violations: ReadonlyArray<{ readonly strategy: string; readonly requested_shift: number | null; readonly applied_shift: number; readonly clamp_held: boolean }>;
  readonly weights: Readonly<Record<string, number>> | null;
  readonly note: string | null;
}

export interface TradeGateSection {
  readonly rejections_today: number;
  /** By the reason that decided each rejection (the first failed check). */
  readonly rejection_reasons: Readonly<Record<string, number>>;
  readonly evaluated: number;
  readonly allowed: number;
  readonly rejection_rate: number | null;
  readonly turnover_blocked: number;
  /** Readiness wants 5 … 70 %. */
  readonly turnover_block_rate: number | null;
  /** ledger: the gate's own counts; signals_log: recounted from logs/signals.jsonl; none: neither exists. */
  readonly source: 'ledger' | 'signals_log' | 'none';
  readonly note: string | null;
}

export interface PaperAccountSection {
  readonly trades_today: number;
  readonly wins: number;
  readonly losses: number;
  readonly net_pnl: number;
  readonly fees: number;
  readonly slippage: number;
  /** From the ledger's daily_equity row, written at the day roll; null before it. */
  readonly equity_end_of_day: number | null;
  readonly signals_today: number;
  readonly executed_signals_today: number;
  readonly control_events_today: number;
  readonly control_rejections_today: number;
}

export interface DataSources {
  readonly ledger: boolean;
  readonly signals_log: boolean;
  readonly shadow_decisions: boolean;
  readonly strategy_weights: boolean;
  readonly capital_preservation_state: boolean;
  readonly issues: readonly string[];
}

