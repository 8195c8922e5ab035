import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF, parseRetryAfter } from '../../../src/feeds/ccxt/backoff.js';

describe('backoffDelay', () => {
  it.each([
    [1, 1_000],
    [2, 2_000],
    [3, 4_000],
    [6, 32_000],
    [7, 60_000],
    [50, 60_000],
  ])('when %i failures in a row and the draw is at its top then the wait is %i ms (doubling, capped)', (failures, expected) => {
    expect(backoffDelay(failures, DEFAULT_BACKOFF, () => 0.999999)).toBeCloseTo(expected, -1);
  });

  it('when the draw is zero then the wait is the floor, never a hot loop', () => {
    expect(backoffDelay(5, DEFAULT_BACKOFF, () => 0)).toBe(DEFAULT_BACKOFF.floorMs);
  });

  it('when jitter is random then every wait lies between the floor and the ceiling of its attempt', () => {
    for (let failures = 1; failures <= 12; failures++) {
      const ceiling = Math.min(60_000, 1_000 * 2 ** (failures - 1));
      for (let i = 0; i < 200; i++) {
        const wait = backoffDelay(failures, DEFAULT_BACKOFF, Math.random);
        expect(wait).toBeGreaterThanOrEqual(250);
        expect(wait).toBeLessThanOrEqual(ceiling);
      }
    }
  });

  it('when the exchange sent Retry-After then the wait is at least that, plus at most one base of spread', () => {
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 0, 5_000)).toBe(5_000);
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 0.5, 5_000)).toBe(5_500);
    expect(backoffDelay(9, DEFAULT_BACKOFF, () => 1, 120_000)).toBe(121_000); // longer than the cap: the exchange wins
  });

  it('when Retry-After is shorter than the backoff has grown to then the backoff still counts, floor included', () => {
    expect(backoffDelay(8, DEFAULT_BACKOFF, () => 0.9, 0)).toBe(54_000);
    expect(backoffDelay(8, DEFAULT_BACKOFF, () => 0.9, 1_000)).toBe(54_000);
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 0, 0)).toBe(250);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(2024, 0, 1, 12, 0, 0);
  it.each([
    ['7', 7_000],
    ['0', 0],
    ['1.5', 1_500],
    [30, 30_000],
    ['Mon, 01 Jan 2024 12:00:10 GMT', 10_000],
    ['Mon, 01 Jan 2024 11:59:00 GMT', 0],
    ['soon', null],
    [undefined, null],
    ['', null],
  ])('when the header is %j then it means %j ms', (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });
});
