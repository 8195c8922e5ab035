import { describe, expect, it } from 'vitest';
import { GateStats } from '../../../src/risk/gate-stats.js';
import { tempLedger } from '../broker/fixtures.js';

describe('GateStats', () => {
  it('when decisions are recorded then they are counted per UTC day by deciding reason, with the turnover block rate', () => {
    const stats = new GateStats(tempLedger().ledger);
    for (const reason of [null, 'min_confidence', 'turnover_min_interval', 'paused', 'min_confidence', null]) stats.record('2026-03-10', reason);
    expect(stats.forDay('2026-03-10')).toEqual({
      day: '2026-03-10',
      evaluated: 6,
      allowed: 2,
      rejected: 4,
      rejection_reasons: { min_confidence: 2, paused: 1, turnover_min_interval: 1 },
      turnover_blocked: 3,
      turnover_block_rate: 0.5,
    });
  });

  it('when a day has no decisions then its counts are zero and the rate is null', () => {
    expect(new GateStats(tempLedger().ledger).forDay('2026-03-11')).toMatchObject({ evaluated: 0, rejected: 0, rejection_reasons: {}, turnover_block_rate: null });
  });

  it('when the day rolls then the finished day stays readable from the ledger and the new day starts at zero', () => {
    const { ledger } = tempLedger();
    const stats = new GateStats(ledger);
    stats.record('2026-03-10', 'paused');
    stats.record('2026-03-11', null);
    expect(stats.forDay('2026-03-10')).toMatchObject({ evaluated: 1, rejection_reasons: { paused: 1 } });
    expect(stats.forDay('2026-03-11')).toMatchObject({ evaluated: 1, allowed: 1 });
  });

  it('when flushed and the daemon restarts mid-day then the counts continue from the ledger', () => {
    const { ledger, reopen } = tempLedger();
    const before = new GateStats(ledger);
    before.record('2026-03-10', 'ev_below_cost');
    before.flush();
    const after = new GateStats(reopen());
    after.record('2026-03-10', 'ev_below_cost');
    expect(after.forDay('2026-03-10')).toMatchObject({ evaluated: 2, rejection_reasons: { ev_below_cost: 2 }, turnover_blocked: 2 });
  });
});
