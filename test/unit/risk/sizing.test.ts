import { describe, expect, it } from 'vitest';
import type { MarketSpec } from '../../../src/model/market.js';
import { sizeEntry, type SizingInput } from '../../../src/risk/sizing.js';
import { TEST } from '../broker/fixtures.js';

/** 10 000 equity, 0.5 % risk, stop 5 below 100: 10 units by risk; one unit costs 100.2 with slippage and fee. */
const base: SizingInput = { equity: 10_000, available: 10_000, riskPerTradePct: 0.5, multiplier: 1, stopDistance: 5, price: 100, unitCost: 100.2, market: TEST };
const size = (patch: Partial<SizingInput>, market: Partial<MarketSpec> = {}) => sizeEntry({ ...base, ...patch, market: { ...TEST, ...market } });

describe('sizeEntry', () => {
  it.each<[string, Partial<SizingInput>, Partial<MarketSpec>, number, string]>([
    ['the risk rule decides', {}, {}, 10, 'risk'],
    ['the multiplier doubles the risk', { multiplier: 2 }, {}, 20, 'risk'],
    ['the risk size falls between steps', { stopDistance: 3 }, {}, 16.666, 'risk'],
    ['the free cash buys less than the risk size', { available: 500 }, {}, 4.99, 'cash'],
    ['the market maximum is smaller', {}, { maxAmount: 5 }, 5, 'max_amount'],
    ['the maximum itself is off the step', {}, { maxAmount: 5.0005 }, 5, 'max_amount'],
  ])('when %s then the size is floored to the step', (_, patch, market, quantity, limitedBy) => {
    expect(size(patch, market)).toEqual({ ok: true, quantity, limitedBy });
  });

  it.each<[string, Partial<SizingInput>, string]>([
    ['the risk size is below the minimum amount', { riskPerTradePct: 0.0004 }, 'below_min_amount'],
    ['the risk size is below the minimum notional', { riskPerTradePct: 0.001 }, 'below_min_cost'],
    ['the risk size is just under the minimum notional after flooring', { equity: 1_000, stopDistance: 50.05 }, 'below_min_cost'],
    ['the cash cap is what fails the minimums', { available: 5 }, 'insufficient_balance'],
    ['there is no free cash', { available: 0 }, 'insufficient_balance'],
    ['the multiplier is 0', { multiplier: 0 }, 'below_min_amount'],
    ['equity is gone', { equity: 0 }, 'below_min_amount'],
    ['the stop is at the price', { stopDistance: 0 }, 'invalid_stop'],
    ['the stop is above the price', { stopDistance: -1 }, 'invalid_stop'],
    ['the stop is missing', { stopDistance: NaN }, 'invalid_stop'],
  ])('when %s then it is refused with that reason and never rounded up', (_, patch, reason) => {
    expect(size(patch)).toMatchObject({ ok: false, reason, quantity: 0 });
  });

  it('when only the cash is short then the refusal carries the size the risk rule wanted, for the heat check', () => {
    const riskSize = size({});
    expect(riskSize.ok && riskSize.limitedBy).toBe('risk');
    expect(size({ available: 5 })).toEqual({ ok: false, reason: 'insufficient_balance', quantity: 0, byRisk: riskSize.quantity });
    expect(size({ riskPerTradePct: 0.0004 })).toEqual({ ok: false, reason: 'below_min_amount', quantity: 0 });
  });

  it('when sized then what it costs fits the free cash, and one more step would not fit the risk', () => {
    for (const available of [137.5, 999.99, 2_345.678]) {
      const result = size({ available, stopDistance: 0.7 });
      expect(result.ok).toBe(true);
      if (result.ok) expect(result.quantity * base.unitCost).toBeLessThanOrEqual(available);
    }
    const byRisk = size({ stopDistance: 0.7 });
    expect(byRisk.ok && (byRisk.quantity + TEST.amountStep) * 0.7 > 50).toBe(true);
  });
});
