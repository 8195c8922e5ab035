import fs from 'node:fs';
import type { Document, LineCounter } from 'yaml';
import { configSchema, type Config } from './schema.js';
import { ConfigError } from '../model/errors.js';
import { describeIssue, lineOf, parseYamlMapping } from './yaml-issues.js';
import { deepFreeze } from '../model/deep-freeze.js';

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
  const { raw, doc, lineCounter } = parseYamlMapping(text, file);
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => describeIssue(configSchema, issue, file, doc, lineCounter)).join('\n'));
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
