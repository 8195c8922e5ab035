import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readJsonFile, writeJsonAtomic } from '../../../src/io/atomic-write.js';
import { InvariantError } from '../../../src/model/errors.js';
import { SqliteSafetyStore, readSafetyLedger } from '../../../src/persistence/sqlite-safety-store.js';
import type { PreservationStore } from '../../../src/ports/safety-store.js';
import { CapitalPreservation } from '../../../src/risk/capital-preservation/capital-preservation.js';
import type { PreservationDocument } from '../../../src/risk/capital-preservation/preservation-document.js';
import { tempLedger } from '../broker/fixtures.js';

const DAY = 86_400_000;
const D0 = Date.UTC(2026, 2, 10);

/** A preservation on a real ledger, mirrored to a real state file, as the daemon wires it. */
function setup() {
  const { file, ledger, reopen } = tempLedger();
  const stateFile = path.join(path.dirname(file), 'capital_preservation_state.json');
  const make = (db = ledger) => new CapitalPreservation({ store: new SqliteSafetyStore(db.database), mirror: (doc) => writeJsonAtomic(stateFile, doc) });
  return { file, ledger, reopen, stateFile, make };
}

describe('CapitalPreservation', () => {
  it('when nothing was ever saved then it starts NORMAL with full risk and writes nothing', () => {
    const { make, stateFile } = setup();
    const preservation = make();
    expect(preservation).toMatchObject({ level: 'NORMAL', riskFactor: 1, blocksEntries: false, halts: false });
    expect(fs.existsSync(stateFile)).toBe(false);
  });

  it('when a breach escalates then the level is saved to SQLite and the state file, and a restart restores it with its history', () => {
    const { make, reopen, stateFile, file } = setup();
    const preservation = make();
    preservation.observe({ at: D0, equity: 10_000, dailyPnl: 0, lossStreak: 0 });
    const result = preservation.observe({ at: D0 + 60_000, equity: 9_150, dailyPnl: -850, lossStreak: 2 });
    expect(result.transition).toMatchObject({ from: 'NORMAL', to: 'CRISIS' });
    expect(result.actions).toEqual({ flatten: true, halt: true, block_entries: true, risk_factor: 0 });

    const doc = readJsonFile<PreservationDocument>(stateFile)!;
    expect(doc).toMatchObject({ schema_version: 1, level: 'CRISIS', since: new Date(D0 + 60_000).toISOString(), halted: true, blocks_entries: true, risk_factor: 0, recovery: { calm_days: 0, required_days: 5, manual_override: false } });
    expect(doc.transitions).toEqual([expect.objectContaining({ at: new Date(D0 + 60_000).toISOString(), from: 'NORMAL', to: 'CRISIS', trigger: 'breach_crisis' })]);

    const restarted = make(reopen());
    expect(restarted.level).toBe('CRISIS');
    expect(restarted.transitions).toEqual(preservation.transitions);
    expect(restarted.state).toEqual(preservation.state);
    expect(readSafetyLedger(file).preservation?.state.level).toBe('CRISIS');
  });

  it('when the state file is edited by hand then a restart ignores it: the ledger is the truth', () => {
    const { make, reopen, stateFile } = setup();
    make().observe({ at: D0, equity: 9_000, dailyPnl: -1_000, lossStreak: 0 });
    const doc = readJsonFile<PreservationDocument>(stateFile)!;
    fs.writeFileSync(stateFile, JSON.stringify({ ...doc, level: 'NORMAL' }));
    expect(make(reopen()).level).toBe('CRISIS');
  });

  it('when equity only makes new highs then nothing is saved until a checkpoint, which saves the peak', () => {
    const { make, reopen } = setup();
    const preservation = make();
    preservation.observe({ at: D0, equity: 10_000, dailyPnl: 0, lossStreak: 0 });
    preservation.observe({ at: D0 + 60_000, equity: 10_500, dailyPnl: 500, lossStreak: 0 });
    expect(make(reopen()).state.peak_equity).toBe(10_000);
    preservation.checkpoint();
    expect(make(reopen()).state.peak_equity).toBe(10_500);
  });

  it('when the market day rolls then the recovery count is saved without a checkpoint', () => {
    const { make, reopen } = setup();
    const preservation = make();
    preservation.observe({ at: D0 + 1_000, equity: 10_000, dailyPnl: 0, lossStreak: 0 });
    preservation.observe({ at: D0 + 2_000, equity: 9_700, dailyPnl: -100, lossStreak: 0 });
    preservation.observe({ at: D0 + DAY + 1_000, equity: 9_900, dailyPnl: 0, lossStreak: 0 });
    preservation.observe({ at: D0 + 2 * DAY + 1_000, equity: 9_900, dailyPnl: 0, lossStreak: 0 });
    expect(make(reopen()).state).toMatchObject({ level: 'CAUTION', calm_days: 1, day_start: D0 + 2 * DAY });
  });

  it('when the store refuses a write then the new level still applies at once and the next checkpoint saves it', () => {
    const { ledger, reopen } = setup();
    const real = new SqliteSafetyStore(ledger.database);
    let refuse = true;
    const store: PreservationStore = {
      loadPreservation: () => real.loadPreservation(),
      savePreservation: (state, transition) => {
        if (refuse) throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
        real.savePreservation(state, transition);
      },
    };
    const preservation = new CapitalPreservation({ store });
    expect(() => preservation.observe({ at: D0, equity: 9_000, dailyPnl: -1_000, lossStreak: 0 })).toThrow('database is locked');
    expect(preservation).toMatchObject({ level: 'CRISIS', blocksEntries: true });
    refuse = false;
    preservation.checkpoint();
    const restored = new CapitalPreservation({ store: new SqliteSafetyStore(reopen().database) });
    expect(restored.level).toBe('CRISIS');
    expect(restored.transitions).toHaveLength(1);
  });

  it('when the state file cannot be written then the error goes to onMirrorError and the ledger keeps the level', () => {
    const { ledger, reopen } = setup();
    const errors: unknown[] = [];
    const preservation = new CapitalPreservation({
      store: new SqliteSafetyStore(ledger.database),
      mirror: () => {
        throw new Error('ENOSPC');
      },
      onMirrorError: (error) => errors.push(error),
    });
    preservation.observe({ at: D0, equity: 9_000, dailyPnl: -1_000, lossStreak: 0 });
    expect(errors).toHaveLength(1);
    expect(new CapitalPreservation({ store: new SqliteSafetyStore(reopen().database) }).level).toBe('CRISIS');
  });

  it('when the ledger holds a level that does not exist then it refuses to start rather than reset to NORMAL', () => {
    const { ledger } = setup();
    const store = new SqliteSafetyStore(ledger.database);
    store.savePreservation({ level: 'RELAXED', level_since: null, peak_equity: 1, streak_base: 0, day_start: null, day_calm: false, day_start_streak: 0, loss_streak: 0, calm_days: 0, market_time: null }, null);
    expect(() => new CapitalPreservation({ store })).toThrow(InvariantError);
  });

  it('when shown then it has no way to set a level by hand', () => {
    const api = Object.getOwnPropertyNames(CapitalPreservation.prototype);
    expect(api.filter((name) => /set|reset|override|force/i.test(name))).toEqual([]);
  });
});
