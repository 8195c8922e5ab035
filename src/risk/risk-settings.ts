/** The risk knobs an operator may turn at run time (ADJUST_RISK), on top of config. */
export interface RiskSettings {
  risk_multiplier: number;
  risk_per_trade_pct: number;
  max_open_positions: number;
  max_portfolio_heat_pct: number;
  readonly daily_loss_limit_pct: number;
  readonly max_multiplier: number;
}
