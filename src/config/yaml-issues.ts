import { LineCounter, isMap, isScalar, parseDocument, type Document } from 'yaml';
import { ConfigError } from '../model/errors.js';
import type { z } from 'zod';

/**
 * Turns a zod issue on a YAML document into `file:line key.path: what is wrong`, with the
 * value that was given and, for an unknown key, the keys known at that level. Shared by every
 * YAML config of the project.
 */
export function describeIssue(root: unknown, issue: z.core.$ZodIssue, file: string, doc: Document, lineCounter: LineCounter): string {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys
      .map((key) => {
        const path = [...issue.path, key].map(String);
        const known = knownKeysAt(root, issue.path);
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
export function lineOf(doc: Document, lineCounter: LineCounter, path: ReadonlyArray<string | number>): number {
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

function knownKeysAt(root: unknown, path: ReadonlyArray<PropertyKey>): string | null {
  let schema: unknown = root;
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

/** A YAML config file parsed, with what error messages need: a syntax error or a non-mapping top level is a ConfigError naming the file and line. */
export function parseYamlMapping(text: string, file: string): { raw: unknown; doc: Document; lineCounter: LineCounter } {
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
  return { raw, doc, lineCounter };
}
