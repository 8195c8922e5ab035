import { describe, expect, it } from 'vitest';
import { InvalidReplyError } from '../../../src/feeds/ccxt/fault.js';
import { candlesFromOhlcv, markFromTicker, orderBookFromReply, validateMarkets } from '../../../src/feeds/ccxt/reply-validation.js';

const ROW = [1_679_270_400_000, 100, 110, 90, 105, 12.5];
/** This machine's clock in the tests: 2026-12-03. */
const NOW = Date.UTC(2026, 11, 3);
const DAY = 86_400_000;

describe('candlesFromOhlcv', () => {
  it('when rows are well formed then they become candles of the symbol', () => {
    expect(candlesFromOhlcv([ROW], 'BTC/USDT', NOW)).toEqual([{ symbol: 'BTC/USDT', ts: ROW[0], open: 100, high: 110, low: 90, close: 105, volume: 12.5 }]);
  });

  it.each([
    ['not a list', 'garbage'],
    ['an empty list', []],
    ['a row of undefined', [[undefined, undefined, undefined, undefined, undefined, undefined]]],
    ['a row of nulls', [[null, null, null, null, null, null]]],
    ['a short row', [[ROW[0], 1, 2, 3]]],
    ['a NaN close', [[ROW[0], 100, 110, 90, NaN, 1]]],
    ['a zero price', [[ROW[0], 0, 110, 90, 105, 1]]],
    ['a negative volume', [[ROW[0], 100, 110, 90, 105, -1]]],
    ['a high below the close', [[ROW[0], 100, 104, 90, 105, 1]]],
    ['a low above the open', [[ROW[0], 100, 110, 101, 105, 1]]],
    ['a fractional timestamp', [[ROW[0]! + 0.5, 100, 110, 90, 105, 1]]],
    ['a string price', [[ROW[0], '100', 110, 90, 105, 1]]],
    ['a timestamp in seconds', [[ROW[0]! / 1000, 100, 110, 90, 105, 1]]],
    ['a timestamp two days ahead of the clock', [[NOW + 2 * DAY, 100, 110, 90, 105, 1]]],
  ])('when the reply is %s then it is rejected as an invalid reply', (_, rows) => {
    expect(() => candlesFromOhlcv(rows, 'BTC/USDT', NOW)).toThrow(InvalidReplyError);
  });

  it('when a candle is a few hours ahead of this machine\'s clock (skew) then it is accepted', () => {
    expect(candlesFromOhlcv([[NOW + 3 * 3_600_000, 100, 110, 90, 105, 1]], 'BTC/USDT', NOW)).toHaveLength(1);
  });
});

describe('markFromTicker', () => {
  it('when the ticker has a positive last price then it is the mark', () => {
    expect(markFromTicker({ last: 101.5, bid: 101.4, ask: 101.6, timestamp: NOW - 5 }, 'ETH/USDT', NOW)).toEqual({ symbol: 'ETH/USDT', price: 101.5, bid: 101.4, ask: 101.6, exchangeTs: NOW - 5, receivedAt: NOW });
  });

  it.each([
    ['in seconds', Math.floor(NOW / 1000)],
    ['two days ahead', NOW + 2 * DAY],
  ])('when the ticker\'s timestamp is %s then the price stands and the time is not used', (_, timestamp) => {
    expect(markFromTicker({ last: 101.5, timestamp }, 'ETH/USDT', NOW)).toMatchObject({ price: 101.5, exchangeTs: null, receivedAt: NOW });
  });

  it.each([
    ['an empty object', {}],
    ['a zero last price', { last: 0 }],
    ['an undefined last price', { last: undefined, close: undefined }],
    ['a crossed bid and ask', { last: 100, bid: 101, ask: 99 }],
    ['a string', 'oops'],
  ])('when the ticker is %s then it is rejected', (_, ticker) => {
    expect(() => markFromTicker(ticker, 'ETH/USDT', 0)).toThrow(InvalidReplyError);
  });
});

describe('orderBookFromReply', () => {
  it('when both sides are sorted best first and positive then the book is accepted', () => {
    const book = orderBookFromReply({ bids: [[99, 1], [98, 2]], asks: [[100, 1], [101, 3]], timestamp: 7 }, 'SOL/USDT', 8);
    expect(book).toEqual({ symbol: 'SOL/USDT', bids: [[99, 1], [98, 2]], asks: [[100, 1], [101, 3]], exchangeTs: 7, receivedAt: 8 });
  });

  it.each([
    ['empty', { bids: [], asks: [] }],
    ['one-sided', { bids: [[99, 1]], asks: [] }],
    ['bids ascending', { bids: [[98, 1], [99, 1]], asks: [[100, 1]] }],
    ['asks descending', { bids: [[99, 1]], asks: [[101, 1], [100, 1]] }],
    ['a zero amount', { bids: [[99, 0]], asks: [[100, 1]] }],
    ['a NaN price', { bids: [[NaN, 1]], asks: [[100, 1]] }],
    ['crossed', { bids: [[100, 1]], asks: [[99, 1]] }],
    ['missing', undefined],
  ])('when the book is %s then it is rejected', (_, book) => {
    expect(() => orderBookFromReply(book, 'SOL/USDT', 0)).toThrow(InvalidReplyError);
  });
});

describe('validateMarkets', () => {
  const market = (symbol: string, extra: object = {}) => ({ symbol, base: symbol.split('/')[0], quote: 'USDT', spot: true, active: true, taker: 0.001, maker: 0.001, precision: { amount: 0.001, price: 0.01 }, limits: {}, ...extra });

  it('when every symbol is a valid spot market then each has a spec', () => {
    const result = validateMarkets({ 'BTC/USDT': market('BTC/USDT'), 'ETH/USDT': market('ETH/USDT') }, ['BTC/USDT', 'ETH/USDT']);
    expect([...result.specs.keys()]).toEqual(['BTC/USDT', 'ETH/USDT']);
    expect(result.rejected.size).toBe(0);
  });

  it.each([[{}], [undefined], [null]])('when the markets map is %j then the reply is invalid (ccxt would cache it)', (markets) => {
    expect(() => validateMarkets(markets, ['BTC/USDT'])).toThrow(InvalidReplyError);
  });

  it('when one symbol is missing, not spot or halted then only that symbol is rejected, with a reason', () => {
    const result = validateMarkets({ 'BTC/USDT': market('BTC/USDT'), 'ETH/USDT': market('ETH/USDT', { spot: false }), 'SOL/USDT': market('SOL/USDT', { active: false }) }, ['BTC/USDT', 'ETH/USDT', 'SOL/USDT', 'XRP/USDT']);
    expect([...result.specs.keys()]).toEqual(['BTC/USDT']);
    expect([...result.rejected.keys()]).toEqual(['ETH/USDT', 'SOL/USDT', 'XRP/USDT']);
  });

  it('when every listed symbol is malformed then the reply as a whole is invalid', () => {
    expect(() => validateMarkets({ 'BTC/USDT': market('BTC/USDT', { precision: { amount: undefined, price: 0.01 } }) }, ['BTC/USDT'])).toThrow(InvalidReplyError);
  });
});
