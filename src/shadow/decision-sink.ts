import type { ShadowLine } from './decision-lines.js';

/**
 * Where shadow lines go: in the daemon a `JsonlAppender` on data/rl/shadow_decisions.jsonl,
 * which writes each line whole in one write, so a crash can tear only the last one and the
 * daemon's start-up repair cuts it off.
 */
export interface DecisionSink {
  append(line: ShadowLine): void;
}
