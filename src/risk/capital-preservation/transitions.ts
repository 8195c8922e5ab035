import { PreservationLevel as L, type PreservationLevel } from './levels.js';

/** What can move the level: a breach measured at some level, or recovery criteria held long enough. */
export const PreservationTrigger = {
  BREACH_CAUTION: 'breach_caution',
  BREACH_DEFENSIVE: 'breach_defensive',
  BREACH_LOCKDOWN: 'breach_lockdown',
  BREACH_CRISIS: 'breach_crisis',
  RECOVERED: 'recovered',
} as const;
export type PreservationTrigger = (typeof PreservationTrigger)[keyof typeof PreservationTrigger];

const T = PreservationTrigger;

/** The breach trigger of each level above NORMAL. */
export const BREACH_OF: Readonly<Record<Exclude<PreservationLevel, 'NORMAL'>, PreservationTrigger>> = {
  CAUTION: T.BREACH_CAUTION,
  DEFENSIVE: T.BREACH_DEFENSIVE,
  LOCKDOWN: T.BREACH_LOCKDOWN,
  CRISIS: T.BREACH_CRISIS,
};

/**
 * `(level, trigger) → level`. A breach escalates straight to its level when that is higher;
 * a breach at or below the current level changes nothing. Recovery steps down one level at a
 * time, never further, and there is no entry that an operator could use to jump down.
 */
export const TRANSITION_TABLE: Readonly<Record<PreservationLevel, Partial<Record<PreservationTrigger, PreservationLevel>>>> = {
  NORMAL: { [T.BREACH_CAUTION]: L.CAUTION, [T.BREACH_DEFENSIVE]: L.DEFENSIVE, [T.BREACH_LOCKDOWN]: L.LOCKDOWN, [T.BREACH_CRISIS]: L.CRISIS },
  CAUTION: { [T.BREACH_DEFENSIVE]: L.DEFENSIVE, [T.BREACH_LOCKDOWN]: L.LOCKDOWN, [T.BREACH_CRISIS]: L.CRISIS, [T.RECOVERED]: L.NORMAL },
  DEFENSIVE: { [T.BREACH_LOCKDOWN]: L.LOCKDOWN, [T.BREACH_CRISIS]: L.CRISIS, [T.RECOVERED]: L.CAUTION },
  LOCKDOWN: { [T.BREACH_CRISIS]: L.CRISIS, [T.RECOVERED]: L.DEFENSIVE },
  CRISIS: { [T.RECOVERED]: L.LOCKDOWN },
};

/** The level after `trigger`, or null when the trigger does not move this level. */
export function nextLevel(level: PreservationLevel, trigger: PreservationTrigger): PreservationLevel | null {
  return TRANSITION_TABLE[level][trigger] ?? null;
}
