/** The gate's decisions on one UTC market day (the daily report's `tradegate` block). */
export interface GateDayStats {
  /** YYYY-MM-DD, UTC, market time. */
  readonly day: string;
  /** Entry signals judged. */
  readonly evaluated: number;
  /** Entry signals that became orders. */
  readonly allowed: number;
  readonly rejected: number;
  /** Rejections by the reason that decided (the first failed check), so they sum to `rejected`. */
  readonly rejection_reasons: Readonly<Record<string, number>>;
  /** Rejections decided by a turnover-governor reason (TURNOVER_REASONS). */
  readonly turnover_blocked: number;
  /** turnover_blocked ÷ evaluated; null before the first decision. Readiness wants 5 … 70 %. */
  readonly turnover_block_rate: number | null;
}
