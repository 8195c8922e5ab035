import type { PaperBroker } from '../broker/paper-broker.js';
import type { ControlFlags, Engine } from '../engine/engine.js';
import type { Logger } from '../ports/logger.js';
import type { CapitalPreservation } from '../risk/capital-preservation/capital-preservation.js';

const DAY_MS = 86_400_000;

/**
 * Capital preservation acting on the account, the same in the daemon and in a backtest: after
 * each traded batch it observes equity, the day's PnL and the losing streak; a new level blocks
 * entries through the engine's flags, cuts the risk of new entries (`riskFactor`), and CRISIS
 * flattens.
 */
export class PreservationGuard {
  /** What the last evaluated observation saw while the books were flat (for `skipRepeats`): cash, streak, market day. */
  private flatCash = NaN;
  private flatStreak = NaN;
  private flatDay = NaN;

  /**
   * `skipRepeats`: while the books are flat, do not evaluate again until the cash, the losing
   * streak or the market day changes: equity and the day's PnL cannot have moved, so the
   * evaluation could change nothing but the state's market_time. A backtest uses it (an
   * evaluation costs microseconds, and most batches find the books flat); the daemon keeps the
   * state's market_time current.
   */
  constructor(
    readonly preservation: CapitalPreservation,
    private readonly args: { engine: Engine; broker: PaperBroker; flags: ControlFlags; log: Logger; changed: () => void; skipRepeats?: boolean },
  ) {
    args.flags.capitalPreservationBlocked = preservation.blocksEntries;
  }

  observe(at: number): void {
    const { engine, broker, flags, log, changed } = this.args;
    if (this.args.skipRepeats) {
      const flat = broker.openPositionCount === 0;
      const day = Math.floor(at / DAY_MS);
      if (flat && broker.cash === this.flatCash && engine.lossStreak === this.flatStreak && day === this.flatDay) return;
      this.flatCash = flat ? broker.cash : NaN;
      this.flatStreak = engine.lossStreak;
      this.flatDay = day;
    }
    const equity = broker.equity();
    const dailyPnl = engine.dailyPnl();
    const lossStreak = engine.lossStreak;
    try {
      const { transition } = this.preservation.observe({ at, equity, dailyPnl, lossStreak });
      if (transition) {
        const line = `capital preservation ${transition.from} → ${transition.to}: ${transition.reason}`;
        if (this.preservation.halts) log.error({ transition }, line);
        else log.warn({ transition }, line);
        changed();
      }
    } finally {
      flags.capitalPreservationBlocked = this.preservation.blocksEntries;
    }
    if (this.preservation.actions.flatten && broker.openPositions().length > 0) engine.flatten('capital_preservation');
  }
}
