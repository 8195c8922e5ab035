import type { PreservationStore } from '../../ports/safety-store.js';
import { evaluate, INITIAL_PRESERVATION_STATE, actionsFor, type PreservationActions, type PreservationEvaluation, type PreservationObservation, type PreservationState, type PreservationTransition } from './evaluate.js';
import type { PreservationLevel } from './levels.js';
import { preservationDocument, restoreState, restoreTransition, type PreservationDocument } from './preservation-document.js';
import { DEFAULT_PRESERVATION_SETTINGS, type PreservationSettings } from './preservation-settings.js';

export interface CapitalPreservationOptions {
  readonly store: PreservationStore;
  readonly settings?: PreservationSettings;
  /** Writes data/capital_preservation_state.json (atomically) after each save. */
  readonly mirror?: (document: PreservationDocument) => void;
  /** A failed mirror write; without it the error propagates. */
  readonly onMirrorError?: (error: unknown) => void;
}

/**
 * The final authority on risk (reference 002): the state machine over the account's drawdown,
 * daily loss and losing streak, restored from the ledger at start, saved on every transition
 * and market-day roll (and by `checkpoint`). The level only changes through `observe`; there is
 * deliberately no way to set it by hand.
 */
export class CapitalPreservation {
  private current: PreservationState;
  private readonly history: PreservationTransition[];
  /** Transitions adopted in memory but not yet saved (the ledger refused a write). */
  private readonly unsaved: PreservationTransition[] = [];
  private dirty = false;
  readonly settings: PreservationSettings;

  constructor(private readonly options: CapitalPreservationOptions) {
    this.settings = options.settings ?? DEFAULT_PRESERVATION_SETTINGS;
    const loaded = options.store.loadPreservation();
    this.current = loaded ? restoreState(loaded.state) : INITIAL_PRESERVATION_STATE;
    this.history = loaded ? loaded.transitions.map(restoreTransition) : [];
  }

  get level(): PreservationLevel {
    return this.current.level;
  }

  get state(): PreservationState {
    return this.current;
  }

  get transitions(): readonly PreservationTransition[] {
    return this.history;
  }

  get actions(): PreservationActions {
    return actionsFor(this.current.level);
  }

  /** The factor on every new entry's risk (1, 0.75, 0.5, then 0 when entries are blocked). */
  get riskFactor(): number {
    return this.actions.risk_factor;
  }

  /** For ControlFlags.capitalPreservationBlocked: LOCKDOWN and CRISIS take no new entries. */
  get blocksEntries(): boolean {
    return this.actions.block_entries;
  }

  /** LOCKDOWN and CRISIS: the daemon refuses new orders on its own, trading_state HALTED. */
  get halts(): boolean {
    return this.actions.halt;
  }

  /**
   * One observation after a batch. The new level takes effect in memory at once (safety first),
   * then it is saved; if the save throws, the next `checkpoint` saves it.
   */
  observe(observation: PreservationObservation): PreservationEvaluation {
    const before = this.current;
    const result = evaluate(before, observation, this.settings);
    this.current = result.state;
    if (result.transition) {
      this.history.push(result.transition);
      this.unsaved.push(result.transition);
    }
    this.dirty = true;
    if (result.transition || result.state.day_start !== before.day_start) this.save();
    return result;
  }

  /** Saves the state if it changed since the last save (call it with the engine's checkpoint). */
  checkpoint(): void {
    if (this.dirty) this.save();
  }

  document(): PreservationDocument {
    return preservationDocument(this.current, this.history, this.settings);
  }

  private save(): void {
    const { store } = this.options;
    if (this.unsaved.length === 0) store.savePreservation(this.current, null);
    while (this.unsaved.length > 0) {
      store.savePreservation(this.current, this.unsaved[0]!);
      this.unsaved.shift();
    }
    this.dirty = false;
    if (!this.options.mirror) return;
    try {
      this.options.mirror(this.document());
    } catch (error) {
      if (!this.options.onMirrorError) throw error;
      this.options.onMirrorError(error);
    }
  }
}
