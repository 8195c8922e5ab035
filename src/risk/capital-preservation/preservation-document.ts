import { InvariantError } from '../../model/errors.js';
import type { StoredPreservationState, StoredPreservationTransition } from '../../ports/safety-store.js';
import { INITIAL_PRESERVATION_STATE, actionsFor, type PreservationState, type PreservationTransition } from './evaluate.js';
import { isPreservationLevel, PreservationLevel } from './levels.js';
import type { PreservationSettings } from './preservation-settings.js';
import { PreservationTrigger } from './transitions.js';

/** data/capital_preservation_state.json: for operators and readiness; the ledger holds the truth. */
export interface PreservationDocument {
  readonly schema_version: 1;
  readonly level: PreservationLevel;
  /** Market time (ISO) the level was entered. */
  readonly since: string | null;
  readonly market_time: string | null;
  readonly risk_factor: number;
  readonly blocks_entries: boolean;
  readonly halted: boolean;
  readonly peak_equity: number | null;
  readonly recovery: { readonly calm_days: number; readonly required_days: number | null; readonly manual_override: false };
  readonly thresholds: PreservationSettings;
  /** The latest transitions, oldest first (all of them are in the ledger). */
  readonly transitions: ReadonlyArray<Omit<StoredPreservationTransition, 'at'> & { readonly at: string }>;
}

const KEPT_TRANSITIONS = 100;
const TRIGGERS = new Set<string>(Object.values(PreservationTrigger));

export function preservationDocument(state: PreservationState, transitions: readonly PreservationTransition[], settings: PreservationSettings): PreservationDocument {
  const actions = actionsFor(state.level);
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    schema_version: 1,
    level: state.level,
    since: iso(state.level_since),
    market_time: iso(state.market_time),
    risk_factor: actions.risk_factor,
    blocks_entries: actions.block_entries,
    halted: actions.halt,
    peak_equity: state.peak_equity,
    recovery: {
      calm_days: state.calm_days,
      required_days: state.level === PreservationLevel.NORMAL ? null : settings.recovery_days[state.level.toLowerCase() as keyof PreservationSettings['recovery_days']],
      manual_override: false,
    },
    thresholds: settings,
    transitions: transitions.slice(-KEPT_TRANSITIONS).map((t) => ({ ...t, at: new Date(t.at).toISOString() })),
  };
}

/** A stored state back to a typed one. An unknown level is a corrupted ledger, never a reset to NORMAL. */
export function restoreState(stored: StoredPreservationState): PreservationState {
  if (!isPreservationLevel(stored.level)) throw new InvariantError(`the ledger's capital preservation state has an unknown level "${stored.level}"; restore the ledger from a backup`);
  return { ...INITIAL_PRESERVATION_STATE, ...stored, level: stored.level };
}

export function restoreTransition(stored: StoredPreservationTransition): PreservationTransition {
  if (!isPreservationLevel(stored.from) || !isPreservationLevel(stored.to) || !TRIGGERS.has(stored.trigger)) {
    throw new InvariantError(`the ledger holds a capital preservation transition ${stored.from} → ${stored.to} (${stored.trigger}) that is not in the table`);
  }
  return { ...stored, from: stored.from, to: stored.to, trigger: stored.trigger as PreservationTrigger };
}
