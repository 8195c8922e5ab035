import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { addChallenger, promoteChallenger, removeChallenger, setChampion } from '../../../src/monitoring/production/production-actions.js';
import { effectiveProductionState, seedProduction } from '../../../src/monitoring/production/seed-production.js';
import { productionVersionPoll, readProductionState, readProductionVersion } from '../../../src/persistence/sqlite-production-store.js';
import { PromotionKind } from '../../../src/ports/production-store.js';
import { AT, openTestStore } from './store.js';

const SEED = { champion: 'ema_trend', challengers: ['rsi_revert', 'donchian_breakout'] };
const CONTEXT = { at: AT, startedAt: '2026-02-01T00:00:00.000Z', reviewer: 'operator:alice', reason: 'test' };

let cleanup: Array<() => void> = [];
afterEach(() => {
  for (const fn of cleanup) fn();
  cleanup = [];
});
function seeded(max = 3) {
  const t = openTestStore();
  cleanup.push(t.close);
  seedProduction(t.store, SEED, max, AT, CONTEXT.startedAt);
  return t;
}

describe('production state', () => {
  it('when a home is new then the first write seeds champion and challengers from paper_live.yaml, once', () => {
    const { store } = seeded();
    expect(store.readState()).toMatchObject({ champion: 'ema_trend', champion_since: AT, challengers: [{ id: 'donchian_breakout' }, { id: 'rsi_revert' }], reevolution_requested: false });
    expect(seedProduction(store, { champion: 'rsi_revert', challengers: [] }, 3, AT, AT)).toEqual({ seeded: false, skipped: [] });
    expect(store.promotions(10)).toEqual([{ at: AT, kind: 'seed', from: null, to: 'ema_trend', reviewer: 'seed', reason: 'seeded from paper_live.yaml strategies' }]);
  });

  it('when the config lists more challengers than allowed then the extra ones are not seeded and are named', () => {
    const t = openTestStore();
    cleanup.push(t.close);
    expect(seedProduction(t.store, SEED, 1, AT, AT)).toEqual({ seeded: true, skipped: ['donchian_breakout'] });
    expect(effectiveProductionState(readProductionState(t.ledger.database), SEED, 1).challengers.map((c) => c.id)).toEqual(['rsi_revert']);
  });

  it('when nothing was written yet then read-only commands see what seeding would make', () => {
    const t = openTestStore();
    cleanup.push(t.close);
    const view = effectiveProductionState(t.store.readState(), SEED, 3);
    expect(view).toMatchObject({ version: 0, champion: 'ema_trend', champion_since: null });
    expect(view.challengers.map((c) => c.id)).toEqual(['rsi_revert', 'donchian_breakout']);
  });

  it('when a challenger is promoted then champion and challenger swap and the history says who, when, why, from and to', () => {
    const { store } = seeded();
    const result = promoteChallenger(store, 'rsi_revert', PromotionKind.PROMOTE, CONTEXT);
    expect(result).toEqual({ ok: true, value: { from: 'ema_trend', to: 'rsi_revert' } });
    const state = store.readState();
    expect(state.champion).toBe('rsi_revert');
    expect(state.challengers.find((c) => c.id === 'ema_trend')).toMatchObject({ started_at: CONTEXT.startedAt, added_by: 'demoted_champion' });
    expect(state.challengers.map((c) => c.id)).not.toContain('rsi_revert');
    expect(store.promotions(1)[0]).toEqual({ at: AT, kind: 'promote', from: 'ema_trend', to: 'rsi_revert', reviewer: 'operator:alice', reason: 'test' });
  });

  it.each([
    ['the champion itself', 'ema_trend', 'ema_trend is already the champion'],
    ['an unknown id', 'moonshot', 'moonshot is not a challenger (challengers: donchian_breakout, rsi_revert)'],
  ])('when promoting %s then it is refused and nothing changes', (_what, id, reason) => {
    const { store } = seeded();
    const before = store.readState();
    expect(promoteChallenger(store, id, PromotionKind.PROMOTE, CONTEXT)).toEqual({ ok: false, reason: expect.stringContaining(reason) });
    expect(store.readState()).toEqual(before);
  });

  it.each([
    ['the champion', 'ema_trend', 3, 'is the champion'],
    ['an existing challenger', 'rsi_revert', 3, 'already a challenger'],
    ['one too many', 'ema_trend@fast=9,slow=30', 2, 'max_concurrent_challengers (2) is reached'],
  ])('when adding %s as a challenger then it is refused', (_what, id, max, reason) => {
    const { store } = seeded();
    expect(addChallenger(store, id, max, CONTEXT)).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });

  it('when a challenger is removed then its slot is free again; removing a stranger is refused', () => {
    const { store } = seeded();
    expect(removeChallenger(store, 'rsi_revert').ok).toBe(true);
    expect(addChallenger(store, 'ema_trend@fast=9,slow=30', 2, CONTEXT).ok).toBe(true);
    expect(removeChallenger(store, 'rsi_revert')).toEqual({ ok: false, reason: expect.stringContaining('rsi_revert is not a challenger') });
  });

  it('when a challenger is set as champion then it leaves the challengers and the old champion is replaced', () => {
    const { store } = seeded();
    expect(setChampion(store, 'donchian_breakout', CONTEXT)).toEqual({ ok: true, value: { from: 'ema_trend' } });
    expect(store.readState()).toMatchObject({ champion: 'donchian_breakout', challengers: [{ id: 'rsi_revert' }] });
    expect(setChampion(store, 'donchian_breakout', CONTEXT).ok).toBe(false);
  });

  it('when anything changes then the version a daemon polls increases, from another connection too', () => {
    const { store, file } = seeded();
    const reader = new Database(file, { readonly: true });
    cleanup.push(() => reader.close());
    const poll = productionVersionPoll(reader);
    const versions = [poll()];
    promoteChallenger(store, 'rsi_revert', PromotionKind.PROMOTE, CONTEXT);
    versions.push(poll());
    store.requestReevolution('operator', 'test', AT);
    versions.push(readProductionVersion(reader));
    store.resolveReevolutionRequests('done', 'ok', AT);
    versions.push(poll());
    expect(versions[1]!).toBeGreaterThan(versions[0]!);
    expect(versions[2]!).toBeGreaterThan(versions[1]!);
    expect(versions[3]!).toBeGreaterThan(versions[2]!);
    expect(readProductionState(reader)).toMatchObject({ champion: 'rsi_revert', reevolution_requested: false });
  });

  it('when a ledger predates the production tables then reading it gives the unseeded state', () => {
    const db = new Database(':memory:');
    expect(readProductionState(db)).toEqual({ version: 0, champion: null, champion_since: null, challengers: [], reevolution_requested: false });
    expect(readProductionVersion(db)).toBe(0);
    db.close();
  });

  it('when daily returns are logged twice for a day then the later one replaces the first', () => {
    const { store } = seeded();
    store.upsertDailyReturn({ date: '2026-01-02', strategy: 'ema_trend', return_pct: 1, source: 'paper' }, AT);
    store.upsertDailyReturn({ date: '2026-01-01', strategy: 'ema_trend', return_pct: -1.5, source: 'manual' }, AT);
    store.upsertDailyReturn({ date: '2026-01-02', strategy: 'ema_trend', return_pct: 2, source: 'manual' }, AT);
    expect(store.dailyReturns('ema_trend')).toEqual([
      { date: '2026-01-01', strategy: 'ema_trend', return_pct: -1.5, source: 'manual' },
      { date: '2026-01-02', strategy: 'ema_trend', return_pct: 2, source: 'manual' },
    ]);
  });
});
