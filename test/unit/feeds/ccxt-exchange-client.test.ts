import { describe, expect, it } from 'vitest';
import { openExchange } from '../../../src/feeds/ccxt/exchange-client.js';

// The real ccxt classes, built without touching the network.
const open = (exchangeId: string) => openExchange({ exchangeId, ccxtOptions: {}, credentials: {}, clock: { now: () => 0 } });

describe('openExchange: the page of candles one request may ask for', () => {
  it.each([
    ['binance', 1_000],
    ['kraken', 720],
    ['coinbase', 300],
  ])('when the exchange is %s then it is the size ccxt gives for its spot OHLCV (%i)', async (id, limit) => {
    expect((await open(id)).maxCandlesPerRequest).toBe(limit);
  });
});
