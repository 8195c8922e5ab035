/** Capital preservation's levels, least to most severe. The daily report writes them lower-case. */
export const PreservationLevel = {
  NORMAL: 'NORMAL',
  CAUTION: 'CAUTION',
  DEFENSIVE: 'DEFENSIVE',
  LOCKDOWN: 'LOCKDOWN',
  CRISIS: 'CRISIS',
} as const;
export type PreservationLevel = (typeof PreservationLevel)[keyof typeof PreservationLevel];

export const LEVELS: readonly PreservationLevel[] = [
  PreservationLevel.NORMAL,
  PreservationLevel.CAUTION,
  PreservationLevel.DEFENSIVE,
  PreservationLevel.LOCKDOWN,
  PreservationLevel.CRISIS,
];

/** 0 for NORMAL up to 4 for CRISIS. */
export function severity(level: PreservationLevel): number {
  return LEVELS.indexOf(level);
}

export function isPreservationLevel(value: unknown): value is PreservationLevel {
  return typeof value === 'string' && (LEVELS as readonly string[]).includes(value);
}

/** What a level means for trading. */
export interface LevelPolicy {
  /** Scales every new entry's size on top of the operator's risk multiplier. */
  readonly riskFactor: number;
  /** No new entries; open positions keep being managed. */
  readonly blockEntries: boolean;
  /** The daemon refuses all new orders on its own: trading_state HALTED (SPEC §4). */
  readonly halt: boolean;
  /** Be flat: close every position at market. */
  readonly flatten: boolean;
}

export const LEVEL_POLICY: Readonly<Record<PreservationLevel, LevelPolicy>> = {
  NORMAL: { riskFactor: 1, blockEntries: false, halt: false, flatten: false },
  CAUTION: { riskFactor: 0.75, blockEntries: false, halt: false, flatten: false },
  DEFENSIVE: { riskFactor: 0.5, blockEntries: false, halt: false, flatten: false },
  LOCKDOWN: { riskFactor: 0, blockEntries: true, halt: true, flatten: false },
  CRISIS: { riskFactor: 0, blockEntries: true, halt: true, flatten: true },
};
