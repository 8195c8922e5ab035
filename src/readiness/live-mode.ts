import { envFlag } from './env-flags.js';
import { Readiness } from './readiness-verdict.js';

export interface LiveModeSettings {
  /** LIVE_MODE is truthy. */
  readonly enabled: boolean;
  /** LIVE_SYMBOL_ALLOWLIST, comma-separated, blanks dropped. */
  readonly allowlist: readonly string[];
}

export function liveModeSettings(env: Readonly<Record<string, string | undefined>>): LiveModeSettings {
  const allowlist = (env.LIVE_SYMBOL_ALLOWLIST ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return { enabled: envFlag(env.LIVE_MODE), allowlist };
}

export interface LiveModeStartupVerdict {
  /** A CRITICAL log line, or null when there is nothing to say. */
  readonly critical: string | null;
  readonly activateKillSwitch: boolean;
}

/**
 * Reference 002's startup safety: with LIVE_MODE on and a live rollout verdict other than GO,
 * log CRITICAL and activate the kill switch. Either way paperlive keeps trading on paper only:
 * it has no live order path, so this guards the day one is added.
 */
export function liveModeStartupCheck(
  env: Readonly<Record<string, string | undefined>>,
  readiness: { readonly live_rollout_readiness: string; readonly live_rollout_reasons: readonly string[] },
): LiveModeStartupVerdict {
  if (!liveModeSettings(env).enabled || readiness.live_rollout_readiness === Readiness.GO) return { critical: null, activateKillSwitch: false };
  return {
    critical:
      `LIVE_MODE is on but live_rollout_readiness is ${readiness.live_rollout_readiness} (${readiness.live_rollout_reasons.join('; ')}); ` +
      'the kill switch is activated, no live order will be placed and paper trading continues. Run `paperlive health` for the next actions.',
    activateKillSwitch: true,
  };
}
