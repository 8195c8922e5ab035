import fs from 'node:fs';
import { LineCounter, isMap, isScalar, parseDocument, type Document } from 'yaml';
import type { z } from 'zod';
import { configSchema, type Config } from './schema.js';
import { ConfigError } from '../model/errors.js';

/**
 * parse → validate → named rules → frozen. Every problem becomes one line of the form
 * `file:line key.path: what is wrong`; all of them are collected before failing.
 */
export function loadConfig(file: string | null, rules: ReadonlyArray<ConfigRule> = []): Readonly<Config> {
  if (file === null || !fs.existsSync(file)) return finish(configSchema.parse(undefined), file ?? '(built-in defaults)', null, rules);
  const text = fs.readFileSync(file, 'utf8');
  return parseConfigText(text, file, rules);
}

export type ConfigRule = (config: Config) => Array<{ path: Array<string | number>; message: string }>;

export function parseConfigText(text: string, file: string, rules: ReadonlyArray<ConfigRule> = []): Readonly<Config> {
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
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => describeIssue(issue, file, doc, lineCounter)).join('\n'));
  }
  return finish(parsed.data, file, { doc, lineCounter }, rules);
}

function finish(config: Config, file: string, source: { doc: Document; lineCounter: LineCounter } | null, rules: ReadonlyArray<ConfigRule>): Readonly<Config> {
  const problems = rules.flatMap((rule) => rule(config));
  if (problems.length > 0) {
    throw new ConfigError(
      problems
        .map(({ path, message }) => `${file}:${source ? lineOf(source.doc, source.lineCounter, path) : 1} ${path.join('.')}: ${message}`)
        .join('\n'),
    );
  }
  return deepFreeze(config);
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
  const got = valueAt(doc, path);
  const shown = got === undefined ? '' : ` (got ${JSON.stringify(got)})`;
  return `${file}:${lineOf(doc, lineCounter, path)} ${label}: ${issue.message}${shown}`;
}

function valueAt(doc: Document, path: string[]): unknown {
  if (path.length === 0) return undefined;
  const node = doc.getIn(path, true);
  return isScalar(node) ? node.value : undefined;
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
  let schema: unknown = configSchema;
  for (const key of [...path]) schema = shapeOf(schema)?.[String(key)];
  const shape = shapeOf(schema);
  return shape ? Object.keys(shape).join(', ') : null;
}

function shapeOf(schema: unknown): Record<string, unknown> | null {
  let current = schema as { def?: { innerType?: unknown; type?: string }; shape?: Record<string, unknown> } | undefined;
  for (let i = 0; i < 5 && current; i++) {
    if (current.shape) return current.shape;
    current = current.def?.innerType as typeof current;
  }
  return null;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}
