import type { OneShotKind } from './control-files.js';

/** A one-shot control file, read once it stopped changing. */
export interface ControlFileSignal {
  readonly kind: OneShotKind;
  /** The entry name as the operator wrote it (`adjust_risk.txt`), for logs and status. */
  readonly file: string;
  /** Absolute path, for deleting or renaming it once handled. */
  readonly path: string;
  /** The text; '' when `unreadable` says why there is none. */
  readonly content: string;
  /** sha256 hex of the bytes read. */
  readonly digest: string;
  /** Why the content is not usable text (larger than 64 KiB, binary), else null. */
  readonly unreadable: string | null;
}

/** The PAUSE level: sent once at start and on every change of presence. */
export interface PauseSignal {
  readonly kind: 'PAUSE';
  readonly present: boolean;
  /** The PAUSE files present (aliases may coexist); empty when absent. */
  readonly files: readonly string[];
}

export type ControlSignal = ControlFileSignal | PauseSignal;

