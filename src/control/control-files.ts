/** What an operator can ask for by touching a file in the control folder (SPEC §3). */
export const ControlKind = {
  EMERGENCY_STOP: 'EMERGENCY_STOP',
  PAUSE: 'PAUSE',
  FLATTEN: 'FLATTEN',
  ADJUST_RISK: 'ADJUST_RISK',
  SHUTDOWN: 'SHUTDOWN',
} as const;
export type ControlKind = (typeof ControlKind)[keyof typeof ControlKind];

/** Files acted on once, by content; PAUSE is the only level file (its presence is the state). */
export type OneShotKind = Exclude<ControlKind, 'PAUSE'>;

/** Every name an operator may use for a kind; the first is the canonical one. */
export const CONTROL_FILE_NAMES: Readonly<Record<ControlKind, readonly string[]>> = {
  EMERGENCY_STOP: ['EMERGENCY_STOP'],
  PAUSE: ['PAUSE', 'PAUSE_TRADING'],
  FLATTEN: ['FLATTEN', 'FLATTEN_ALL'],
  ADJUST_RISK: ['ADJUST_RISK'],
  SHUTDOWN: ['SHUTDOWN'],
};

/** Where an invalid ADJUST_RISK is moved; never itself a control file. */
export const REJECTED_ADJUST_RISK_FILE = 'ADJUST_RISK.rejected';

const BY_NAME: ReadonlyMap<string, ControlKind> = new Map(
  (Object.entries(CONTROL_FILE_NAMES) as Array<[ControlKind, readonly string[]]>).flatMap(([kind, names]) =>
    names.map((name) => [name.toLowerCase(), kind] as const),
  ),
);

/**
 * The control kind a directory entry stands for, or null. Case-insensitive, with or without
 * one `.txt` (Windows Explorer hides extensions). Exact names only, so editor swap and backup
 * files (`.PAUSE.swp`, `FLATTEN~`) and `ADJUST_RISK.rejected` are never mistaken for requests.
 */
export function controlKindOf(entryName: string): ControlKind | null {
  const lower = entryName.toLowerCase();
  const stem = lower.endsWith('.txt') ? lower.slice(0, -'.txt'.length) : lower;
  return BY_NAME.get(stem) ?? null;
}

export function isOneShot(kind: ControlKind): kind is OneShotKind {
  return kind !== ControlKind.PAUSE;
}
