import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PaperBroker, type EntryRequest, type PaperBrokerOptions } from '../../../src/broker/paper-broker.js';
import type { Candle } from '../../../src/model/candle.js';
import type { MarketSpec } from '../../../src/model/market.js';
import { SqliteLedger } from '../../../src/persistence/sqlite-ledger.js';

/** BTC/USDT as Binance lists it (data/markets), with maker cheaper than taker so the fee choice shows. */
export const BTC: MarketSpec = {
  symbol: 'BTC/USDT',
  base: 'BTC',
  quote: 'USDT',
  amountStep: 0.00001,
  priceTick: 0.01,
  minAmount: 0.00001,
  maxAmount: 9000,
  minCost: 5,
  takerFee: 0.001,
  makerFee: 0.0005,
};

/** A round-number market for hand-checked arithmetic: step 0.001, tick 0.01, min notional 10. */
export const TEST: MarketSpec = { ...BTC, symbol: 'TEST/USDT', base: 'TEST', amountStep: 0.001, minAmount: 0.01, minCost: 10 };

/** A real SQLite ledger on a fresh temp file; `reopen` opens a second handle on the same file (a restart). */
export function tempLedger(): { file: string; ledger: SqliteLedger; reopen: () => SqliteLedger } {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'paperlive-ledger-')), 'paperlive.sqlite');
  return { file, ledger: new SqliteLedger(file), reopen: () => new SqliteLedger(file) };
}

export function makeBroker(options: Partial<PaperBrokerOptions> & { ledger: PaperBrokerOptions['ledger'] }): PaperBroker {
  return new PaperBroker({ markets: new Map([[BTC.symbol, BTC], [TEST.symbol, TEST]]), slippageBps: 10, startingBalance: 10_000, ...options });
}

export const candle = (symbol: string, ts: number, open: number, high: number, low: number, close: number): Candle => ({ symbol, ts, open, high, low, close, volume: 1 });

export function entry(overrides: Partial<EntryRequest> = {}): EntryRequest {
  return {
    symbol: TEST.symbol,
    quantity: 10,
    referencePrice: 100,
    stopDistance: 5,
    targetDistance: null,
    trailing: null,
    strategy: 'test',
    reason: 'test_entry',
    at: 0,
    ...overrides,
  };
}

/** True when `value` is a whole number of `step`s (within float noise). */
export function onStep(value: number, step: number): boolean {
  return Math.abs(value / step - Math.round(value / step)) < 1e-6;
}
