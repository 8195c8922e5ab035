import type { PaperBroker } from '../broker/paper-broker.js';
import type { Engine, ControlFlags } from '../engine/engine.js';
import { writeJsonAtomic } from '../io/atomic-write.js';
import type { Logger } from '../ports/logger.js';
import { SqliteSafetyStore, readSafetyLedger } from '../persistence/sqlite-safety-store.js';
import type { SqliteLedger } from '../persistence/sqlite-ledger.js';
import { evaluateReadiness, type ReadinessReport } from '../readiness/evaluate-readiness.js';
import { killSwitchActive } from '../readiness/kill-switch.js';
import { loadReadinessInput } from '../readiness/load-readiness.js';
import { CapitalPreservation } from '../risk/capital-preservation/capital-preservation.js';
import { preservationSettings, type PreservationOverrides } from '../risk/capital-preservation/preservation-settings.js';
import type { HomePaths } from './paths.js';
import { PreservationGuard } from './preservation-guard.js';

/**
 * Capital preservation over the paper account, the kill switch and the readiness verdict, as
 * the daemon uses them. Capital preservation blocks and halts through the engine's flags; the
 * kill switch forbids live orders only (there are none yet), so paper trading goes on.
 */
export class SafetySide {
  private readonly guard: PreservationGuard;
  private killSwitch = false;

  constructor(
    private readonly args: {
      paths: HomePaths;
      ledger: SqliteLedger;
      engine: Engine;
      broker: PaperBroker;
      flags: ControlFlags;
      env: Readonly<Record<string, string | undefined>>;
      now: () => number;
      log: Logger;
      onError: (message: string, error: unknown) => void;
      changed: () => void;
      /** `risk.capital_preservation` from the config, already checked by its config rule. */
      preservation: PreservationOverrides;
    },
  ) {
    const preservation = new CapitalPreservation({
      settings: preservationSettings(args.preservation),
      store: new SqliteSafetyStore(args.ledger.database),
      mirror: (doc) => writeJsonAtomic(args.paths.capitalPreservation, doc),
      onMirrorError: (error) => args.onError(`could not write ${args.paths.capitalPreservation}: ${(error as Error).message}`, error),
    });
    this.guard = new PreservationGuard(preservation, args);
    this.killSwitch = killSwitchActive(args.paths, args.env);
  }

  get preservation(): CapitalPreservation {
    return this.guard.preservation;
  }

  get killSwitchActive(): boolean {
    return this.killSwitch;
  }

  get halts(): boolean {
    return this.preservation.halts;
  }

  /** After each traded batch: a new level may block, halt or (CRISIS) flatten. */
  observe(at: number): void {
    this.guard.observe(at);
  }

  /** Once a second: the kill switch file or variable may have changed. */
  poll(): void {
    const active = killSwitchActive(this.args.paths, this.args.env);
    if (active !== this.killSwitch) {
      this.killSwitch = active;
      this.args.log.warn({ kill_switch: active }, active ? 'kill switch ACTIVE: no live order may be placed' : 'kill switch cleared');
      this.args.changed();
    }
  }

  checkpoint(): void {
    this.preservation.checkpoint();
  }

  readiness(): ReadinessReport {
    const { paths, env, now } = this.args;
    return evaluateReadiness(loadReadinessInput({ paths, env, now: now(), ledger: readSafetyLedger(paths.ledger) }));
  }
}
