import type { AdjustRiskValues } from '../control/adjust-risk.js';
import type { ControlActions } from '../control/control-actions.js';
import type { Engine, ControlFlags } from '../engine/engine.js';
import type { Ledger } from '../ports/ledger.js';
import type { Logger } from '../ports/logger.js';
import type { RiskSettings } from '../risk/risk-settings.js';
import { RISK_OVERRIDES_KEY } from './trading-kernel.js';

/** What the daemon does for each control request; the ControlService decides when. */
export function daemonControlActions(args: {
  engine: Engine;
  flags: ControlFlags;
  risk: RiskSettings;
  ledger: Ledger;
  log: Logger;
  changed: () => void;
  flush: () => void;
  stop: (reason: string, outcome: 'stopped' | 'emergency_stopped') => void;
}): ControlActions {
  const { engine, flags, risk, ledger, log, changed, flush, stop } = args;
  return {
    setPaused(paused) {
      if (flags.paused === paused) return;
      flags.paused = paused;
      changed();
    },
    flatten() {
      const trades = engine.flatten('flatten');
      log.warn({ closed: trades.map((t) => ({ symbol: t.symbol, net_pnl: t.net_pnl })) }, `FLATTEN: closed ${trades.length} position(s) at market`);
      flush();
    },
    emergencyStop() {
      flags.emergencyStop = true;
      const trades = engine.flatten('emergency_stop');
      log.fatal({ closed: trades.map((t) => ({ symbol: t.symbol, net_pnl: t.net_pnl })) }, `EMERGENCY_STOP: closed ${trades.length} position(s) at market; exiting with code 4`);
      stop('EMERGENCY_STOP', 'emergency_stopped');
    },
    adjustRisk(values: AdjustRiskValues) {
      const next = { ...pickAdjustable(risk), ...values };
      ledger.setSetting(RISK_OVERRIDES_KEY, next); // persisted first: if this throws, nothing was applied
      Object.assign(risk, next);
      log.warn({ risk: next }, 'ADJUST_RISK applied');
      changed();
    },
    shutdown() {
      stop('SHUTDOWN file', 'stopped');
    },
  };
}

function pickAdjustable(risk: RiskSettings): Required<AdjustRiskValues> {
  return {
    risk_multiplier: risk.risk_multiplier,
    risk_per_trade_pct: risk.risk_per_trade_pct,
    max_open_positions: risk.max_open_positions,
    max_portfolio_heat_pct: risk.max_portfolio_heat_pct,
  };
}
