import fs from 'node:fs';
import { ConfigError } from '../model/errors.js';
import { hasStrategy, strategyIds } from '../strategies/registry.js';
import { productionSchema, type ProductionConfig } from './production-schema.js';
import { describeIssue, lineOf, parseYamlMapping } from './yaml-issues.js';
import { deepFreeze } from '../model/deep-freeze.js';

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
  const { raw, doc, lineCounter } = parseYamlMapping(text, file);
  const parsed = productionSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => describeIssue(productionSchema, issue, file, doc, lineCounter)).join('\n'));
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
