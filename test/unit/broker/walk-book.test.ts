import { describe, expect, it } from 'vitest';
import { walkBook } from '../../../src/broker/walk-book.js';
import type { BookLevel } from '../../../src/ports/book-source.js';

const asks: BookLevel[] = [[100, 1], [100.5, 2], [101, 3]];
const bids: BookLevel[] = [[99.9, 1], [99.5, 2], [99, 3]];

describe('walkBook', () => {
  it.each<[string, 'buy' | 'sell', number, BookLevel[], number, number, boolean, number]>([
    ['a buy inside the best level', 'buy', 0.5, asks, 100, 0.5, true, 100],
    ['a buy across two levels', 'buy', 2, asks, (100 + 100.5) / 2, 2, true, 100.5],
    ['a buy taking the whole book', 'buy', 6, asks, (100 + 2 * 100.5 + 3 * 101) / 6, 6, true, 101],
    ['a buy larger than the book', 'buy', 7, asks, (100 + 2 * 100.5 + 3 * 101) / 6, 6, false, 101],
    ['a sell across three levels', 'sell', 4, bids, (99.9 + 2 * 99.5 + 99) / 4, 4, true, 99],
    ['a sell into an empty book', 'sell', 1, [], NaN, 0, false, NaN],
    ['float-noise quantities', 'buy', 0.3, [[10, 0.1], [11, 0.2]], (1 + 2.2) / 0.3, 0.3, true, 11],
  ])('when %s then the fill is volume-weighted and says whether the book was deep enough', (_, side, quantity, levels, price, filled, complete, worst) => {
    const walk = walkBook(side, quantity, levels);
    if (Number.isNaN(price)) expect(walk.price).toBeNaN();
    else expect(walk.price).toBeCloseTo(price, 10);
    expect(walk.filled).toBeCloseTo(filled, 12);
    expect(walk.complete).toBe(complete);
    if (Number.isNaN(worst)) expect(walk.worstPrice).toBeNaN();
    else expect(walk.worstPrice).toBe(worst);
  });

  it.each<[string, 'buy' | 'sell', number, BookLevel[]]>([
    ['asks out of order', 'buy', 2, [[101, 1], [100, 1]]],
    ['bids out of order', 'sell', 2, [[99, 1], [99.5, 1]]],
    ['a zero amount', 'buy', 1, [[100, 0]]],
    ['a NaN price', 'buy', 1, [[NaN, 1]]],
    ['a zero quantity asked', 'buy', 0, asks],
  ])('when the input has %s then it throws rather than fill on a broken book', (_, side, quantity, levels) => {
    expect(() => walkBook(side, quantity, levels)).toThrow(RangeError);
  });
});
