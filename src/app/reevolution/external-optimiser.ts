import { execa } from 'execa';
import { z } from 'zod';
import { CommandResultError } from '../../model/errors.js';
import type { SpecValue } from '../../monitoring/production/strategy-spec.js';
import { createStrategy, hasStrategy, strategyIds } from '../../strategies/registry.js';

/** What the external command is told, as JSON on stdin (and the key paths in PAPERLIVE_* variables). */
export interface ExternalRequest {
  readonly champion: string;
  readonly strategy: string;
  readonly params: Readonly<Record<string, SpecValue>>;
  readonly data_dir: string;
  readonly data_files: readonly string[];
  readonly exchange: string;
  readonly symbols: readonly string[];
  readonly timeframe: string;
  readonly window: { readonly from: string; readonly split: string; readonly to: string };
  readonly seed: number;
  readonly max_strategies: number;
}

export interface ExternalCandidate {
  readonly strategy: string;
  readonly params: Readonly<Record<string, SpecValue>>;
  readonly expected: { sharpe?: number | null; ann_return?: number | null; max_drawdown?: number | null; ann_volatility?: number | null } | null;
}

const metric = z.number().finite().nullable().optional();
const candidateSchema = z.strictObject({
  strategy: z.string().min(1),
  params: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a parameter name'), z.union([z.number().finite(), z.boolean(), z.string().regex(/^[^,=@\s]+$/, 'may not contain , = @ or spaces')])).default({}),
  expected: z.strictObject({ sharpe: metric, ann_return: metric, max_drawdown: z.number().min(0).max(100).nullable().optional(), ann_volatility: metric }).optional(),
});
const outputSchema = z.union([z.array(candidateSchema), z.strictObject({ strategies: z.array(candidateSchema) })]);

/**
 * Runs the configured optimiser (argv, no shell) in place of the built-in search. Its stdout must
 * be JSON: `{"strategies":[{"strategy","params","expected"?}]}` or the bare array. Anything else,
 * a non-zero exit or a timeout is an error naming the command and what is wrong; each strategy
 * must exist and build with its parameters.
 */
export async function runExternalOptimiser(command: readonly string[], request: ExternalRequest, options: { timeoutS: number; cwd: string; configParams: Readonly<Record<string, Readonly<Record<string, SpecValue>>>> }): Promise<ExternalCandidate[]> {
  const [file, ...args] = command;
  const name = command.join(' ');
  const fail = (what: string) => new CommandResultError(`paperlive trigger-reevolution: reevolution.command (${name}) ${what}`, 1);
  const result = await execa(file!, args, {
    input: JSON.stringify(request),
    cwd: options.cwd,
    reject: false,
    timeout: options.timeoutS * 1000,
    env: { PAPERLIVE_CHAMPION: request.champion, PAPERLIVE_DATA_DIR: request.data_dir, PAPERLIVE_DATA_FILES: request.data_files.join('\n') },
  });
  if (result.timedOut) throw fail(`did not finish within ${options.timeoutS} s`);
  if (result.exitCode !== 0) throw fail(`failed with exit code ${result.exitCode ?? 'none'}${result.stderr ? `: ${result.stderr.trim().split('\n').at(-1)}` : ''}`);
  let raw: unknown;
  try {
    raw = JSON.parse(result.stdout);
  } catch {
    throw fail(`printed something that is not JSON on stdout: ${JSON.stringify(result.stdout.slice(0, 80))}`);
  }
  const parsed = outputSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw fail(`printed JSON that is not a list of strategy definitions: ${issue.path.join('.') || '(top level)'}: ${issue.message}`);
  }
  const list = Array.isArray(parsed.data) ? parsed.data : parsed.data.strategies;
  return list.map((c, i) => {
    if (!hasStrategy(c.strategy)) throw fail(`strategies[${i}].strategy: unknown strategy "${c.strategy}" (known: ${strategyIds().join(', ')})`);
    try {
      createStrategy(c.strategy, { ...options.configParams[c.strategy], ...c.params });
    } catch (error) {
      throw fail(`strategies[${i}].params: ${(error as Error).message}`);
    }
    return { strategy: c.strategy, params: c.params, expected: c.expected ?? null };
  });
}
