/**
 * A strategy id with parameters: `ema_trend` or `ema_trend@fast=9,slow=30`. This is how a
 * challenger from re-evolution is named everywhere (ledger, status.json, CLI): the daemon builds
 * it as createStrategy(base, { ...paper_live.yaml params of base, ...params }). Canonical form:
 * parameters sorted by name, numbers in JavaScript's shortest form, booleans as true/false.
 */
export type SpecValue = number | boolean | string;

export interface StrategySpec {
  readonly id: string;
  readonly base: string;
  readonly params: Readonly<Record<string, SpecValue>>;
}

const NAME = /^[a-z][a-z0-9_]*$/;
const VALUE = /^[^,=@\s]+$/;

/** Parses and canonicalises; throws a RangeError naming what is wrong. */
export function parseStrategySpec(text: string): StrategySpec {
  const at = text.indexOf('@');
  const base = at < 0 ? text : text.slice(0, at);
  if (!NAME.test(base)) throw new RangeError(`"${text}" does not start with a strategy id such as ema_trend`);
  const params: Record<string, SpecValue> = {};
  if (at >= 0) {
    const list = text.slice(at + 1);
    if (list === '') throw new RangeError(`"${text}" has an @ but no parameters (write ${base}@param=value,...)`);
    for (const pair of list.split(',')) {
      const [key = '', raw, extra] = pair.split('=');
      if (!NAME.test(key) || raw === undefined || extra !== undefined || !VALUE.test(raw)) throw new RangeError(`"${text}": "${pair}" is not param=value`);
      if (key in params) throw new RangeError(`"${text}" gives ${key} twice`);
      params[key] = parseValue(raw);
    }
  }
  return { id: formatStrategySpec(base, params), base, params };
}

export function formatStrategySpec(base: string, params: Readonly<Record<string, SpecValue>>): string {
  const keys = Object.keys(params).sort();
  if (keys.length === 0) return base;
  return `${base}@${keys.map((k) => `${k}=${formatValue(params[k]!)}`).join(',')}`;
}

function parseValue(raw: string): SpecValue {
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  const n = Number(raw);
  return /^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(raw) && Number.isFinite(n) ? n : raw;
}

function formatValue(value: SpecValue): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`parameter value ${value} is not a finite number`);
    return String(value);
  }
  if (typeof value === 'string' && !VALUE.test(value)) throw new RangeError(`parameter value "${value}" may not contain , = @ or spaces`);
  return String(value);
}
