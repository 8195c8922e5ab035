import type Database from 'better-sqlite3';
import type {
  ChallengerEntry,
  DailyReturnRow,
  DriftDayCounter,
  ProductionState,
  ProductionStore,
  PromotionKind,
  PromotionRow,
  ReevolutionRequest,
  StoredExpectedMetrics,
} from '../ports/production-store.js';

/** The state of a ledger that has no production tables yet (older schema, read-only open). */
const EMPTY_STATE: ProductionState = { version: 0, champion: null, champion_since: null, challengers: [], reevolution_requested: false };

/**
 * The production tables of migration 003, on a connection shared with the ledger
 * (`SqliteLedger.database`) or opened read-only by a CLI command. Statements are prepared on
 * first use, so a read-only connection never prepares a write it will not run. Every mutation of
 * champion, challengers or re-evolution requests bumps `production_state.version`.
 */
export class SqliteProductionStore implements ProductionStore {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  /** True when migration 003 has run on this file. */
  static hasSchema(db: Database.Database): boolean {
    return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'production_state'").get() !== undefined;
  }

  transaction<T>(fn: () => T): T {
    return this.db.inTransaction ? fn() : this.db.transaction(fn).immediate();
  }

  readState(): ProductionState {
    return readProductionState(this.db);
  }

  readVersion(): number {
    return readProductionVersion(this.db);
  }

  setChampion(id: string, at: string): void {
    this.stmt('UPDATE production_state SET champion = ?, champion_since = ?, updated_at = ?, version = version + 1 WHERE id = 1').run(id, at, at);
  }

  addChallenger(entry: ChallengerEntry): void {
    this.transaction(() => {
      this.stmt('INSERT INTO challengers (id, started_at, added_by, reason) VALUES (@id, @started_at, @added_by, @reason)').run(entry);
      this.bump(entry.started_at);
    });
  }

  removeChallenger(id: string): void {
    this.transaction(() => {
      if (this.stmt('DELETE FROM challengers WHERE id = ?').run(id).changes > 0) this.bump(null);
    });
  }

  recordPromotion(row: PromotionRow): void {
    this.stmt('INSERT INTO promotions (at, kind, from_strategy, to_strategy, reviewer, reason) VALUES (?, ?, ?, ?, ?, ?)').run(row.at, row.kind, row.from, row.to, row.reviewer, row.reason);
  }

  promotions(limit: number): PromotionRow[] {
    type Row = { at: string; kind: PromotionKind; from_strategy: string | null; to_strategy: string; reviewer: string; reason: string };
    const rows = this.stmt('SELECT at, kind, from_strategy, to_strategy, reviewer, reason FROM promotions ORDER BY id DESC LIMIT ?').all(limit) as Row[];
    return rows.map((r) => ({ at: r.at, kind: r.kind, from: r.from_strategy, to: r.to_strategy, reviewer: r.reviewer, reason: r.reason }));
  }

  upsertDailyReturn(row: DailyReturnRow, recordedAt: string): void {
    this.stmt(
      `INSERT INTO daily_returns (strategy, date, return_pct, source, recorded_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (strategy, date) DO UPDATE SET return_pct = excluded.return_pct, source = excluded.source, recorded_at = excluded.recorded_at`,
    ).run(row.strategy, row.date, row.return_pct, row.source, recordedAt);
  }

  dailyReturns(strategy: string): DailyReturnRow[] {
    return this.stmt('SELECT date, strategy, return_pct, source FROM daily_returns WHERE strategy = ? ORDER BY date').all(strategy) as DailyReturnRow[];
  }

  driftCounter(strategy: string): DriftDayCounter | null {
    type Row = { consecutive: number; total: number; previous_consecutive: number; previous_total: number; counted_through: string; last_drift_type: string };
    const row = this.stmt('SELECT * FROM drift_days WHERE strategy = ?').get(strategy) as Row | undefined;
    if (!row) return null;
    return {
      consecutive: row.consecutive,
      total: row.total,
      counted_through: row.counted_through,
      last_drift_type: row.last_drift_type,
      previous: { consecutive: row.previous_consecutive, total: row.previous_total },
    };
  }

  saveDriftCounter(strategy: string, counter: DriftDayCounter, at: string): void {
    this.stmt(
      `INSERT INTO drift_days (strategy, consecutive, total, previous_consecutive, previous_total, counted_through, last_drift_type, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (strategy) DO UPDATE SET consecutive = excluded.consecutive, total = excluded.total,
         previous_consecutive = excluded.previous_consecutive, previous_total = excluded.previous_total,
         counted_through = excluded.counted_through, last_drift_type = excluded.last_drift_type, updated_at = excluded.updated_at`,
    ).run(strategy, counter.consecutive, counter.total, counter.previous.consecutive, counter.previous.total, counter.counted_through, counter.last_drift_type, at);
  }

  reevolutionRequests(status?: ReevolutionRequest['status']): ReevolutionRequest[] {
    return (
      status === undefined
        ? this.stmt('SELECT * FROM reevolution_requests ORDER BY id').all()
        : this.stmt('SELECT * FROM reevolution_requests WHERE status = ? ORDER BY id').all(status)
    ) as ReevolutionRequest[];
  }

  requestReevolution(source: string, reason: string, at: string): number {
    return this.transaction(() => {
      const result = this.stmt("INSERT INTO reevolution_requests (requested_at, source, reason, status) VALUES (?, ?, ?, 'open')").run(at, source, reason);
      this.bump(at);
      return Number(result.lastInsertRowid);
    });
  }

  resolveReevolutionRequests(status: 'done' | 'failed', result: string, at: string): number {
    return this.transaction(() => {
      const changes = this.stmt("UPDATE reevolution_requests SET status = ?, resolved_at = ?, result = ? WHERE status = 'open'").run(status, at, result).changes;
      if (changes > 0) this.bump(at);
      return changes;
    });
  }

  expectedMetrics(strategy: string, source: string): StoredExpectedMetrics | null {
    type Row = { strategy: string; source: string; fingerprint: string; body: string; computed_at: string };
    const row = this.stmt('SELECT * FROM expected_metrics WHERE strategy = ? AND source = ?').get(strategy, source) as Row | undefined;
    return row ? { strategy: row.strategy, source: row.source, fingerprint: row.fingerprint, metrics: JSON.parse(row.body) as StoredExpectedMetrics['metrics'], computed_at: row.computed_at } : null;
  }

  saveExpectedMetrics(row: StoredExpectedMetrics): void {
    this.stmt(
      `INSERT INTO expected_metrics (strategy, source, fingerprint, body, computed_at) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (strategy, source) DO UPDATE SET fingerprint = excluded.fingerprint, body = excluded.body, computed_at = excluded.computed_at`,
    ).run(row.strategy, row.source, row.fingerprint, JSON.stringify(row.metrics), row.computed_at);
  }

  private bump(at: string | null): void {
    this.stmt('UPDATE production_state SET version = version + 1, updated_at = COALESCE(?, updated_at) WHERE id = 1').run(at);
  }

  private stmt(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }
}

/**
 * The whole production state in one read (a consistent snapshot: one implicit read transaction
 * per statement is not enough, so both reads share one). Safe on a read-only connection and on a
 * ledger without the production tables (then: not seeded, version 0).
 */
export function readProductionState(db: Database.Database): ProductionState {
  if (!SqliteProductionStore.hasSchema(db)) return EMPTY_STATE;
  const read = () => {
    const row = db.prepare('SELECT version, champion, champion_since FROM production_state WHERE id = 1').get() as
      | { version: number; champion: string | null; champion_since: string | null }
      | undefined;
    const challengers = db.prepare('SELECT id, started_at, added_by, reason FROM challengers ORDER BY started_at, id').all() as ChallengerEntry[];
    const open = db.prepare("SELECT 1 FROM reevolution_requests WHERE status = 'open' LIMIT 1").get() !== undefined;
    return { version: row?.version ?? 0, champion: row?.champion ?? null, champion_since: row?.champion_since ?? null, challengers, reevolution_requested: open };
  };
  return db.inTransaction ? read() : db.transaction(read).deferred();
}

/** One integer that changes whenever champion, challengers or re-evolution requests change. */
export function readProductionVersion(db: Database.Database): number {
  return productionVersionPoll(db)();
}

/**
 * The per-batch poll for the daemon: the statement is prepared once, so a call costs one
 * primary-key read (about a microsecond), cheap enough for every candle batch of a replay.
 */
export function productionVersionPoll(db: Database.Database): () => number {
  if (!SqliteProductionStore.hasSchema(db)) return () => 0;
  const statement = db.prepare('SELECT version FROM production_state WHERE id = 1').pluck();
  return () => (statement.get() as number | undefined) ?? 0;
}
