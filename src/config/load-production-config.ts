import fs from 'node:fs';
import { LineCounter, isMap, isScalar, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../model/errors.js';
import { hasStrategy, strategyIds } from '../strategies/registry.js';
import { productionSchema, type ProductionConfig } from './production-schema.js';

type Problem = { path: Array<string | number>; message: string };

/**
 * configs/production.yaml the way paper_live.yaml is loaded: parse → strict schema → rules →
 * frozen, every problem one `file:line key.path: what is wrong` line, thrown together as a
 * ConfigError (exit 78). A missing file means the built-in defaults.
 */
export function loadProductionConfig(file: string | null): Readonly<ProductionConfig> {
  if (file === null || !fs.existsSync(file)) return deepFreeze(productionSchema.parse(undefined));
  return parseProductionConfigText(fs.readFileSync(file, 'utf8'), file);
}

export function parseProductionConfigText(text: string, file: string): Readonly<ProductionConfig> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    const first = doc.errors[0]!;
    const line = first.linePos?.[0]?.line ?? lineCounter.linePos(first.pos[0]).line;
    throw new ConfigError(`${file}:${line} YAML syntax error: ${first.message.split('\n')[0]}`);
  }
  const raw: unknown = doc.toJS() ?? undefined;
  if (raw !== undefined && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new ConfigError(`${file}:1 (top level): must be a mapping of keys, got ${Array.isArray(raw) ? 'a list' : typeof raw}`);
  }
  const parsed = productionSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => describeIssue(issue, file, doc, lineCounter)).join('\n'));
  const problems = PRODUCTION_RULES.flatMap((rule) => rule(parsed.data));
  if (problems.length > 0) {
    throw new ConfigError(problems.map(({ path, message }) => `${file}:${lineOf(doc, lineCounter, path)} ${path.join('.')}: ${message}`).join('\n'));
  }
  return deepFreeze(parsed.data);
}

/** Checks across keys or against the strategy registry; each names the key at fault. */
const PRODUCTION_RULES: ReadonlyArray<(config: ProductionConfig) => Problem[]> = [
  ({ monitoring: m }) =>
    m.emergency_drawdown <= m.max_drawdown_threshold
      ? []
      : [{ path: ['monitoring', 'emergency_drawdown'], message: `must be at or below monitoring.max_drawdown_threshold (${m.max_drawdown_threshold}): the emergency is the deeper drawdown` }],
  (config) => Object.keys(config.expected_metrics).flatMap((id) => specProblem(id).map((message) => ({ path: ['expected_metrics', id], message }))),
];

/**
 * `ema_trend` or `ema_trend@fast=9,slow=30` (the grammar of monitoring/production/strategy-spec.ts,
 * which config may not import): the strategy must exist; parameter values are checked where the
 * strategy is built.
 */
function specProblem(id: string): string[] {
  const [base = '', params] = id.split('@', 2);
  if (!hasStrategy(base)) return [`unknown strategy "${base}" (known: ${strategyIds().join(', ')})`];
  if (params !== undefined && !/^[a-z][a-z0-9_]*=[^,=@\s]+(,[a-z][a-z0-9_]*=[^,=@\s]+)*$/.test(params)) {
    return [`"${id}" is not of the form strategy@param=value,param=value`];
  }
  return [];
}

function describeIssue(issue: z.core.$ZodIssue, file: string, doc: Document, lineCounter: LineCounter): string {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys
      .map((key) => {
        const path = [...issue.path, key].map(String);
        const known = knownKeysAt(issue.path);
        return `${file}:${lineOf(doc, lineCounter, path)} ${path.join('.')}: unknown key${known ? ` (known keys: ${known})` : ''}`;
      })
      .join('\n');
  }
  const path = issue.path.map(String);
  const label = path.length > 0 ? path.join('.') : '(top level)';
  const node = path.length > 0 ? doc.getIn(path, true) : undefined;
  const shown = isScalar(node) ? ` (got ${JSON.stringify(node.value)})` : '';
  return `${file}:${lineOf(doc, lineCounter, path)} ${label}: ${issue.message}${shown}`;
}

/** Line of the deepest key of `path` that exists in the document. */
function lineOf(doc: Document, lineCounter: LineCounter, path: ReadonlyArray<string | number>): number {
  let node: unknown = doc.contents;
  let line = 1;
  for (const key of path) {
    if (!isMap(node)) break;
    const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === String(key));
    if (!pair) break;
    const range = (pair.key as { range?: [number, number, number] }).range;
    if (range) line = lineCounter.linePos(range[0]).line;
    node = pair.value;
  }
  return line;
}

function knownKeysAt(path: ReadonlyArray<PropertyKey>): string | null {
  let schema: unknown = productionSchema;
  for (const key of path) schema = childOf(schema, String(key));
  const shape = unwrap(schema)?.shape;
  return shape ? Object.keys(shape).join(', ') : null;
}

type SchemaNode = { def?: { innerType?: unknown; valueType?: unknown }; shape?: Record<string, unknown> };

/** The schema of `key` inside an object (its shape) or a record (its value type). */
function childOf(schema: unknown, key: string): unknown {
  const node = unwrap(schema);
  return node?.shape ? node.shape[key] : node?.def?.valueType;
}

/** Through default/prefault/optional wrappers to the object or record underneath. */
function unwrap(schema: unknown): SchemaNode | undefined {
  let current = schema as SchemaNode | undefined;
  for (let i = 0; i < 5 && current; i++) {
    if (current.shape || current.def?.valueType) return current;
    current = current.def?.innerType as SchemaNode | undefined;
  }
  return undefined;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
