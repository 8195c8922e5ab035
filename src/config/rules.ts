import { preservationIssues } from '../risk/capital-preservation/preservation-settings.js';
import { hasStrategy, strategyIds } from '../strategies/registry.js';
import type { ConfigRule } from './load-config.js';

/** Checks that need more than one key or a registry; each names the key at fault. */
export const configRules: ReadonlyArray<ConfigRule> = [
  (config) =>
    hasStrategy(config.strategies.champion)
      ? []
      : [{ path: ['strategies', 'champion'], message: `unknown strategy "${config.strategies.champion}" (known: ${strategyIds().join(', ')})` }],
  (config) =>
    config.strategies.challengers.flatMap((id, index) =>
      hasStrategy(id) ? [] : [{ path: ['strategies', 'challengers', index], message: `unknown strategy "${id}" (known: ${strategyIds().join(', ')})` }],
    ),
  (config) =>
    Object.keys(config.strategies.params).flatMap((id) =>
      hasStrategy(id) ? [] : [{ path: ['strategies', 'params', id], message: `parameters for unknown strategy "${id}" (known: ${strategyIds().join(', ')})` }],
    ),
  (config) => preservationIssues(config.risk.capital_preservation).map((issue) => ({ path: ['risk', 'capital_preservation', ...issue.path], message: `${issue.value} ${issue.rule}` })),
  (config) => {
    const { from, to } = config.feed.replay;
    return from && to && Date.parse(from) >= Date.parse(to) ? [{ path: ['feed', 'replay', 'to'], message: `must be after feed.replay.from (${from})` }] : [];
  },
];
