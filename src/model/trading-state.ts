export const TradingState = {
  ACTIVE: 'ACTIVE',
  PAUSED: 'PAUSED',
  HALTED: 'HALTED',
  EMERGENCY_STOPPED: 'EMERGENCY_STOPPED',
  STOPPED: 'STOPPED',
} as const;
export type TradingState = (typeof TradingState)[keyof typeof TradingState];

/** What the mode is derived from; precedence EMERGENCY_STOPPED > STOPPED > HALTED > PAUSED > ACTIVE (SPEC §4). */
export interface StateFlags {
  readonly emergencyStopped: boolean;
  readonly stopped: boolean;
  readonly halted: boolean;
  readonly paused: boolean;
}

const PRECEDENCE: ReadonlyArray<readonly [keyof StateFlags, TradingState]> = [
  ['emergencyStopped', TradingState.EMERGENCY_STOPPED],
  ['stopped', TradingState.STOPPED],
  ['halted', TradingState.HALTED],
  ['paused', TradingState.PAUSED],
];

export function deriveTradingState(flags: StateFlags): TradingState {
  for (const [flag, state] of PRECEDENCE) if (flags[flag]) return state;
  return TradingState.ACTIVE;
}
