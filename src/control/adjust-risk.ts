import { isAlias, isMap, isScalar, parseDocument } from 'yaml';
import type { Node, Scalar } from 'yaml';

/** The risk knobs ADJUST_RISK may turn; each is optional, and only the given ones change. */
export interface AdjustRiskValues {
  readonly risk_multiplier?: number;
  readonly risk_per_trade_pct?: number;
  readonly max_open_positions?: number;
  readonly max_portfolio_heat_pct?: number;
}
export type AdjustRiskKey = keyof AdjustRiskValues;

export type AdjustRiskResult =
  | { readonly ok: true; readonly values: AdjustRiskValues }
  | { readonly ok: false; readonly reason: string };

interface Rule {
  readonly accepts: (value: number, maxMultiplier: number) => boolean;
  /** Completes the sentence "it must be …". */
  readonly allowed: (maxMultiplier: number) => string;
}

const RULES: Readonly<Record<AdjustRiskKey, Rule>> = {
  risk_multiplier: { accepts: (v, max) => v >= 0 && v <= max, allowed: (max) => `between 0 and ${max} (risk.max_multiplier)` },
  risk_per_trade_pct: { accepts: (v) => v > 0 && v <= 5, allowed: () => 'more than 0 and at most 5' },
  max_open_positions: { accepts: (v) => Number.isInteger(v) && v >= 0, allowed: () => 'a whole number of 0 or more' },
  max_portfolio_heat_pct: { accepts: (v) => v > 0 && v <= 100, allowed: () => 'more than 0 and at most 100' },
};
const KEYS = Object.keys(RULES) as AdjustRiskKey[];

/** A plain decimal literal: no hex, octal, `.inf`, `.nan` or digit separators. */
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** Text an operator could have typed; anything else is binary. */
const NOT_TEXT = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufffd]/;
const MAX_CHARS = 64 * 1024;
const SHOWN_CHARS = 40;

/**
 * Parses ADJUST_RISK content, all or nothing: one number (the risk multiplier) or a YAML
 * mapping of the keys above. The YAML is read as data with the core schema; tags, anchors,
 * aliases, nesting and repeated keys are refused rather than interpreted.
 */
export function parseAdjustRisk(content: string, maxMultiplier: number): AdjustRiskResult {
  if (content.length > MAX_CHARS) return reject(`ADJUST_RISK holds ${content.length} characters, more than the ${MAX_CHARS} a control file may hold`);
  if (NOT_TEXT.test(content)) return reject('ADJUST_RISK holds binary data, not text; write one number or a YAML mapping such as `risk_multiplier: 0.5`');
  const text = content.replace(/^\ufeff/, '').trim();
  if (text === '') return reject(`ADJUST_RISK is empty; write one number (the risk multiplier, 0 to ${maxMultiplier}) or a YAML mapping such as \`risk_multiplier: 0.5\``);

  const doc = parseDocument(text, { schema: 'core', uniqueKeys: false, merge: false, prettyErrors: false });
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) return reject(`ADJUST_RISK is not valid YAML (${firstLine(problem.message)}); write one number or a YAML mapping such as \`risk_multiplier: 0.5\``);
  const root = doc.contents;
  if (root === null) return reject(`ADJUST_RISK holds only comments; write one number (the risk multiplier, 0 to ${maxMultiplier}) or a YAML mapping`);
  const trick = trickery(root);
  if (trick) return reject(`ADJUST_RISK uses ${trick}, which is not allowed; write plain numbers only`);

  if (isScalar(root)) {
    const parsed = numberOf(root, 'risk_multiplier', maxMultiplier, true);
    return typeof parsed === 'string' ? reject(parsed) : { ok: true, values: { risk_multiplier: parsed } };
  }
  if (!isMap(root)) return reject('ADJUST_RISK is a YAML list; write one number or a YAML mapping such as `risk_multiplier: 0.5`');

  const values: Partial<Record<AdjustRiskKey, number>> = {};
  for (const pair of root.items) {
    const keyNode = pair.key as Node | null;
    if (!isScalar(keyNode) || typeof keyNode.value !== 'string') {
      const shown = isScalar(keyNode) ? show(keyNode.source ?? keyNode.value) : 'a list or mapping';
      return reject(`ADJUST_RISK has a key that is not a name (${shown}); allowed keys are ${KEYS.join(', ')}`);
    }
    const key = keyNode.value;
    if (!isKey(key)) return reject(`ADJUST_RISK has an unknown key ${show(key)}; allowed keys are ${KEYS.join(', ')}`);
    if (key in values) return reject(`ADJUST_RISK sets ${key} more than once`);
    const valueNode = pair.value as Node | null;
    if (!isScalar(valueNode)) return reject(`ADJUST_RISK ${key} is ${valueNode ? 'a nested list or mapping' : 'missing its value'}; it must be a plain number`);
    const parsed = numberOf(valueNode, key, maxMultiplier, false);
    if (typeof parsed === 'string') return reject(parsed);
    values[key] = parsed;
  }
  if (Object.keys(values).length === 0) return reject('ADJUST_RISK is an empty mapping; set at least one of ' + KEYS.join(', '));
  return { ok: true, values };
}

/** The number a scalar holds for `key`, or a sentence saying what is wrong with it. */
function numberOf(node: Scalar, key: AdjustRiskKey, maxMultiplier: number, alone: boolean): number | string {
  const source = node.source ?? String(node.value);
  const subject = `ADJUST_RISK ${key} ${show(source)}`;
  const rule = RULES[key];
  const allowed = rule.allowed(maxMultiplier);
  if (node.value === null && !alone) return `ADJUST_RISK ${key} has no value; it must be ${allowed}`;
  if (node.type !== 'PLAIN' || !DECIMAL.test(source)) {
    if (alone && node.type === 'PLAIN' && typeof node.value === 'string') return `ADJUST_RISK content ${show(source)} is neither a number nor a YAML mapping; write one number (the risk multiplier, 0 to ${maxMultiplier}) or a YAML mapping such as \`risk_multiplier: 0.5\``;
    return `${subject} ${typeof node.value === 'string' ? 'is text, not a number' : 'is not a plain decimal number'}; it must be ${allowed}`;
  }
  const value = Number(source) + 0; // + 0 folds -0 into 0
  if (!Number.isFinite(value)) return `${subject} is not a finite number; it must be ${allowed}`;
  if (value < 0) return `${subject} is negative; it must be ${allowed}`;
  return rule.accepts(value, maxMultiplier) ? value : `${subject} is out of range; it must be ${allowed}`;
}

/** YAML features that make data mean something other than what it shows. */
function trickery(node: unknown): string | null {
  if (isAlias(node)) return 'an alias (*)';
  const n = node as { anchor?: string; tag?: string; items?: unknown[]; key?: unknown; value?: unknown } | null;
  if (!n || typeof n !== 'object') return null;
  if (n.anchor) return 'an anchor (&)';
  if (n.tag) return `the tag ${n.tag.replace('tag:yaml.org,2002:', '!!')}`;
  for (const child of [...(n.items ?? []), n.key, n.value]) {
    const found = trickery(child);
    if (found) return found;
  }
  return null;
}

function isKey(key: string): key is AdjustRiskKey {
  return Object.hasOwn(RULES, key);
}

function show(value: unknown): string {
  const text = typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
  return `"${text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS)}…` : text}"`;
}

function firstLine(message: string): string {
  return message.split('\n', 1)[0] ?? message;
}

function reject(reason: string): AdjustRiskResult {
  return { ok: false, reason };
}
