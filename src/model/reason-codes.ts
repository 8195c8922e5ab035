/**
 * Stable codes for why a new entry is blocked or an order refused (status.json .risk.reasons,
 * signals.jsonl, shadow decisions, the gate's daily counts, reports). Renaming one breaks
 * every reader: add codes, never change them.
 */
export const Reason = {
  KILL_SWITCH: 'kill_switch',
  EMERGENCY_STOP: 'emergency_stop',
  PAUSED: 'paused',
  HALTED: 'halted',
  CAPITAL_PRESERVATION: 'capital_preservation',
  PERSISTENCE_FAILURE: 'persistence_failure',
  FEED_STALE: 'feed_stale',
  WARMING_UP: 'warming_up',
  DAILY_LOSS_LIMIT: 'daily_loss_limit',
  RISK_MULTIPLIER_ZERO: 'risk_multiplier_zero',
  MIN_CONFIDENCE: 'min_confidence',
  EV_BELOW_COST: 'ev_below_cost',
  TURNOVER_MIN_INTERVAL: 'turnover_min_interval',
  TURNOVER_MAX_DAILY: 'turnover_max_daily',
  LOSS_STREAK_COOLDOWN: 'loss_streak_cooldown',
  POSITION_EXISTS: 'position_exists',
  NO_POSITION: 'no_position',
  MAX_OPEN_POSITIONS: 'max_open_positions',
  UNKNOWN_MARKET: 'unknown_market',
  INVALID_STOP: 'invalid_stop',
  PORTFOLIO_HEAT: 'portfolio_heat',
  INSUFFICIENT_BALANCE: 'insufficient_balance',
  BELOW_MIN_AMOUNT: 'below_min_amount',
  BELOW_MIN_COST: 'below_min_cost',
  ABOVE_MAX_AMOUNT: 'above_max_amount',
  INSUFFICIENT_LIQUIDITY: 'insufficient_liquidity',
} as const;
export type Reason = (typeof Reason)[keyof typeof Reason];

/**
 * The turnover governor's codes (reference 002, "BTC Turnover Reduction"): confidence and
 * expected-value floors, spacing between entries, entries per day and the cooldown after a
 * losing streak. Their share of gate decisions is the readiness check's turnover block rate.
 */
export const TURNOVER_REASONS: ReadonlySet<string> = new Set<string>([
  Reason.MIN_CONFIDENCE,
  Reason.EV_BELOW_COST,
  Reason.TURNOVER_MIN_INTERVAL,
  Reason.TURNOVER_MAX_DAILY,
  Reason.LOSS_STREAK_COOLDOWN,
]);
