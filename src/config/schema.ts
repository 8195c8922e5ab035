import { z } from 'zod';

/**
 * configs/paper_live.yaml, key by key (SPEC §10). Every object is strict: an unknown key
 * is an error, never silently ignored. Defaults here are the built-in defaults.
 */
const positive = z.number().positive();
const interval = z.number().min(0.1).max(3600);
const percentAbove0UpTo = (max: number) => z.number().gt(0).max(max);

const replaySchema = z
  .strictObject({
    data_dir: z.string().min(1).default('data/replay'),
    speed: z.union([z.number().positive().max(1e9), z.literal('max')]).default(60),
    from: z.string().datetime({ offset: true }).nullable().default(null),
    to: z.string().datetime({ offset: true }).nullable().default(null),
  })
  .prefault({});

const feedSchema = z
  .strictObject({
    source: z.enum(['ccxt', 'replay']).default('ccxt'),
    exchange: z.string().regex(/^[a-z0-9_]+$/, 'must be a lower-case ccxt exchange id').default('binance'),
    symbols: z
      .array(z.string().regex(/^[A-Z0-9]+\/[A-Z0-9]+$/, 'must look like BTC/USDT'))
      .min(1)
      .refine((list) => new Set(list).size === list.length, 'must not list a symbol twice')
      .default(['BTC/USDT', 'ETH/USDT', 'SOL/USDT']),
    timeframe: z.string().regex(/^\d+[smhdw]$/, 'must be a timeframe such as 1m, 5m, 1h').default('1m'),
    poll_interval_s: z.number().min(1).max(3600).default(30),
    stale_after_s: z.number().min(1).max(86_400).default(180),
    ccxt_options: z.record(z.string(), z.unknown()).default({}),
    replay: replaySchema,
  })
  .prefault({});

/** Where a measure starts each capital-preservation level; null: it never triggers that level. */
const ladderSchema = z.strictObject({
  caution: z.number().nullable().optional(),
  defensive: z.number().nullable().optional(),
  lockdown: z.number().nullable().optional(),
  crisis: z.number().nullable().optional(),
});

/**
 * risk.capital_preservation: overrides of the built-in thresholds
 * (src/risk/capital-preservation/preservation-settings.ts, docs/readiness.md). The ladders'
 * order and the recovery bands are checked by a config rule, which names the key at fault.
 */
const capitalPreservationSchema = z
  .strictObject({
    drawdown_pct: ladderSchema.optional(),
    daily_loss_pct: ladderSchema.optional(),
    loss_streak: ladderSchema.optional(),
    recovery_days: z
      .strictObject({ caution: z.number().optional(), defensive: z.number().optional(), lockdown: z.number().optional(), crisis: z.number().optional() })
      .optional(),
    recovery_drawdown_pct: z.strictObject({ caution: z.number().optional(), defensive: z.number().optional() }).optional(),
  })
  .default({});

const riskSchema = z
  .strictObject({
    risk_per_trade_pct: percentAbove0UpTo(5).default(0.5),
    max_open_positions: z.number().int().min(0).max(1000).default(3),
    max_portfolio_heat_pct: percentAbove0UpTo(100).default(6),
    max_multiplier: z.number().min(0).max(10).default(2),
    daily_loss_limit_pct: percentAbove0UpTo(100).default(5),
    capital_preservation: capitalPreservationSchema,
  })
  .prefault({});

/**
 * gate: the TradeGate's entry rules (reference 002's turnover table). Top-level keys apply to
 * every symbol; `per_symbol` overrides any of them for one symbol (BTC is stricter by
 * default). Giving `per_symbol` replaces the built-in one, so list BTC/USDT again to keep it.
 * PAPER_LIVE_TURNOVER_MIN_RATIO / PAPER_LIVE_TURNOVER_MAX_DAILY override min_ev_cost_ratio /
 * max_entries_per_day for every symbol at start. Same defaults as risk/gate-settings.ts.
 */
const entryRuleKeys = {
  /** A signal's confidence must be at least this. */
  min_confidence: z.number().min(0).max(1),
  /** expected_value_pct must be at least this × cost_estimate_pct. */
  min_ev_cost_ratio: z.number().min(0).max(1000),
  /** Market seconds between two entry fills on one symbol. */
  min_interval_s: z.number().min(0).max(30 * 86_400),
  /** Entries per symbol per UTC day; null = unlimited. */
  max_entries_per_day: z.number().int().min(1).max(100_000).nullable(),
  /** Consecutive losing trades on a symbol that start a cooldown. */
  loss_streak: z.number().int().min(1).max(1000),
  /** Market seconds of cooldown after the loss that completed the streak. */
  loss_cooldown_s: z.number().min(0).max(30 * 86_400),
};

const gateSchema = z
  .strictObject({
    min_confidence: entryRuleKeys.min_confidence.default(0.6),
    min_ev_cost_ratio: entryRuleKeys.min_ev_cost_ratio.default(1),
    min_interval_s: entryRuleKeys.min_interval_s.default(3_600),
    max_entries_per_day: entryRuleKeys.max_entries_per_day.default(null),
    loss_streak: entryRuleKeys.loss_streak.default(2),
    loss_cooldown_s: entryRuleKeys.loss_cooldown_s.default(7_200),
    per_symbol: z
      .record(
        z.string().regex(/^[A-Z0-9]+\/[A-Z0-9]+$/, 'must look like BTC/USDT'),
        z.strictObject({
          min_confidence: entryRuleKeys.min_confidence.optional(),
          min_ev_cost_ratio: entryRuleKeys.min_ev_cost_ratio.optional(),
          min_interval_s: entryRuleKeys.min_interval_s.optional(),
          max_entries_per_day: entryRuleKeys.max_entries_per_day.optional(),
          loss_streak: entryRuleKeys.loss_streak.optional(),
          loss_cooldown_s: entryRuleKeys.loss_cooldown_s.optional(),
        }),
      )
      .default({ 'BTC/USDT': { min_confidence: 0.75, min_ev_cost_ratio: 2, min_interval_s: 14_400, max_entries_per_day: 3, loss_cooldown_s: 21_600 } }),
  })
  .prefault({});

const strategiesSchema = z
  .strictObject({
    champion: z.string().min(1).default('ema_trend'),
    challengers: z.array(z.string().min(1)).default(['rsi_revert', 'donchian_breakout']),
    params: z.record(z.string(), z.record(z.string(), z.union([z.number(), z.boolean(), z.string()]))).default({}),
    /** What a promotion does with the old champion's open positions: keep managing them, or close them at market. */
    on_promotion: z.enum(['handover', 'close']).default('handover'),
  })
  .prefault({});

export const configSchema = z
  .strictObject({
    mode: z.enum(['paper']).default('paper'),
    status_interval_s: interval.default(30),
    heartbeat_interval_s: interval.default(30),
    control_dir: z.string().min(1).default('.'),
    feed: feedSchema,
    account: z
      .strictObject({
        currency: z.string().regex(/^[A-Z0-9]+$/, 'must be an upper-case currency code').default('USDT'),
        starting_balance: positive.max(1e12).default(10_000),
      })
      .prefault({}),
    execution: z
      .strictObject({
        slippage_bps: z.number().min(0).max(1000).default(5),
        fee_source: z.enum(['market']).default('market'),
      })
      .prefault({}),
    risk: riskSchema,
    gate: gateSchema,
    strategies: strategiesSchema,
    reports: z
      .strictObject({
        /** Market-time hour (UTC) of day D+1 at which day D's report is written. */
        daily_hour_utc: z.number().int().min(0).max(23).default(0),
        /** Also write the weekly evidence report when an ISO week ends. */
        weekly: z.boolean().default(true),
      })
      .prefault({}),
    http: z
      .strictObject({
        enabled: z.boolean().default(false),
        host: z.string().min(1).default('127.0.0.1'),
        port: z.number().int().min(1).max(65_535).default(8000),
      })
      .prefault({}),
  })
  .prefault({});

export type Config = z.infer<typeof configSchema>;
