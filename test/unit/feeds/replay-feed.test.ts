import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReplayFeed, type ReplayFeedOptions } from '../../../src/feeds/replay/replay-feed.js';
import { loadCandleSeries, replayFileName } from '../../../src/feeds/replay/csv-candles.js';
import type { CandleBatch } from '../../../src/ports/market-feed.js';
import { REPLAY_DATA } from '../../support/daemon.js';

const MIN = 60_000;
const T0 = Date.UTC(2024, 0, 1);

/** Writes a replay folder with hand-made candles: rows are [minute, close]. */
function replayDir(series: Record<string, Array<[number, number]>>, extraLines: Record<string, string[]> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-'));
  for (const [symbol, rows] of Object.entries(series)) {
    const lines = rows.map(([m, c]) => `${T0 + m * MIN},${c},${c + 1},${c - 1},${c},1`);
    fs.writeFileSync(path.join(dir, replayFileName('binance', symbol, '1m')), ['timestamp,open,high,low,close,volume', ...lines, ...(extraLines[symbol] ?? [])].join('\n') + '\n');
  }
  return dir;
}

function feed(dataDir: string, symbols: string[], overrides: Partial<ReplayFeedOptions> = {}) {
  return new ReplayFeed({
    dataDir,
    exchange: 'binance',
    symbols,
    timeframe: '1m',
    timeframeMs: MIN,
    speed: 'max',
    from: null,
    to: null,
    loop: false,
    markets: async () => new Map(),
    clock: { now: () => Date.now() },
    ...overrides,
  });
}

async function collect(f: ReplayFeed, after: number | null = null, warmupCandles = 0, limit = Infinity): Promise<CandleBatch[]> {
  const batches: CandleBatch[] = [];
  await f.run({ after, warmupCandles }, (batch) => {
    batches.push(batch);
    if (batches.length >= limit) f.stop();
  });
  return batches;
}

describe('ReplayFeed', () => {
  it('when symbols have different candles then batches merge them in time order, one batch per open time', async () => {
    const dir = replayDir({ 'BTC/USDT': [[0, 10], [1, 11], [3, 13]], 'ETH/USDT': [[1, 21], [2, 22], [3, 23]] });
    const batches = await collect(feed(dir, ['BTC/USDT', 'ETH/USDT']));
    expect(batches.map((b) => [b.ts - T0, b.candles.map((c) => `${c.symbol}:${c.close}`)])).toEqual([
      [0, ['BTC/USDT:10']],
      [MIN, ['BTC/USDT:11', 'ETH/USDT:21']],
      [2 * MIN, ['ETH/USDT:22']],
      [3 * MIN, ['BTC/USDT:13', 'ETH/USDT:23']],
    ]);
    expect(batches.every((b) => !b.warmup)).toBe(true);
  });

  it('when resuming after a market time then only later candles trade, and the ones before arrive as warm-up', async () => {
    const dir = replayDir({ 'BTC/USDT': Array.from({ length: 10 }, (_, i) => [i, 100 + i] as [number, number]) });
    const batches = await collect(feed(dir, ['BTC/USDT']), T0 + 5 * MIN, 3);
    expect(batches.filter((b) => b.warmup).map((b) => (b.ts - T0) / MIN)).toEqual([3, 4, 5]);
    expect(batches.filter((b) => !b.warmup).map((b) => (b.ts - T0) / MIN)).toEqual([6, 7, 8, 9]);
  });

  it('when from and to are set then they bound the replay (to exclusive), and from wins over the resume point', async () => {
    const dir = replayDir({ 'BTC/USDT': Array.from({ length: 10 }, (_, i) => [i, 100 + i] as [number, number]) });
    const batches = await collect(feed(dir, ['BTC/USDT'], { from: T0 + 2 * MIN, to: T0 + 4 * MIN }), T0 + 8 * MIN);
    expect(batches.filter((b) => !b.warmup).map((b) => (b.ts - T0) / MIN)).toEqual([2, 3]);
  });

  it('when looping then the data starts again shifted forward, so market time keeps increasing', async () => {
    const dir = replayDir({ 'BTC/USDT': [[0, 10], [1, 20], [2, 30]] });
    const batches = await collect(feed(dir, ['BTC/USDT'], { loop: true }), null, 0, 7);
    const times = batches.map((b) => (b.ts - T0) / MIN);
    expect(times).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(batches.map((b) => b.candles[0]!.close)).toEqual([10, 20, 30, 10, 20, 30, 10]);
  });

  it('when looping and resuming past the end of the data then it continues at the right shifted place', async () => {
    const dir = replayDir({ 'BTC/USDT': [[0, 10], [1, 20], [2, 30]] });
    const batches = await collect(feed(dir, ['BTC/USDT'], { loop: true }), T0 + 4 * MIN, 0, 3);
    expect(batches.map((b) => (b.ts - T0) / MIN)).toEqual([5, 6, 7]);
    expect(batches.map((b) => b.candles[0]!.close)).toEqual([30, 10, 20]);
  });

  it('when looping with an end time then the data starts again right after the last candle before it, with no hole at the seam', async () => {
    const dir = replayDir({ 'BTC/USDT': Array.from({ length: 6 }, (_, i) => [i, 10 + i] as [number, number]) });
    const batches = await collect(feed(dir, ['BTC/USDT'], { loop: true, to: T0 + 3 * MIN }), null, 0, 7);
    expect(batches.map((b) => (b.ts - T0) / MIN)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(batches.map((b) => b.candles[0]!.close)).toEqual([10, 11, 12, 10, 11, 12, 10]);
  });

  it('when looping with an end time and resuming past it then it continues at the right shifted place', async () => {
    const dir = replayDir({ 'BTC/USDT': Array.from({ length: 6 }, (_, i) => [i, 10 + i] as [number, number]) });
    const batches = await collect(feed(dir, ['BTC/USDT'], { loop: true, to: T0 + 3 * MIN }), T0 + 4 * MIN, 0, 3);
    expect(batches.map((b) => (b.ts - T0) / MIN)).toEqual([5, 6, 7]);
    expect(batches.map((b) => b.candles[0]!.close)).toEqual([12, 10, 11]);
  });

  it('when looping and no candle comes before the end time then the replay ends at once instead of spinning', async () => {
    const dir = replayDir({ 'BTC/USDT': [[0, 10], [1, 11]] });
    // A loop that never finds a candle to deliver never yields, so it would hang the test: let it give up after a while, and count.
    let loopReads = 0;
    const f = new ReplayFeed({
      dataDir: dir,
      exchange: 'binance',
      symbols: ['BTC/USDT'],
      timeframe: '1m',
      timeframeMs: MIN,
      speed: 'max',
      from: null,
      to: T0,
      get loop() {
        return ++loopReads < 100_000;
      },
      markets: async () => new Map(),
      clock: { now: () => Date.now() },
    });
    expect(await collect(f)).toEqual([]);
    expect(f.health()).toMatchObject({ healthy: false, ended: true });
    expect(loopReads).toBeLessThan(100_000);
  });

  it('when the speed is 6000 then 20 one-minute candles take at least 190 ms of wall time', async () => {
    const dir = replayDir({ 'BTC/USDT': Array.from({ length: 21 }, (_, i) => [i, 100 + i] as [number, number]) });
    const started = Date.now();
    const batches = await collect(feed(dir, ['BTC/USDT'], { speed: 6000 }));
    expect(batches).toHaveLength(21);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
  });

  it('when stopped while pacing then run resolves promptly', async () => {
    const dir = replayDir({ 'BTC/USDT': Array.from({ length: 100 }, (_, i) => [i, 100 + i] as [number, number]) });
    const f = feed(dir, ['BTC/USDT'], { speed: 1 });
    const running = collect(f);
    await new Promise((r) => setTimeout(r, 50));
    const stopAt = Date.now();
    f.stop();
    await running;
    expect(Date.now() - stopAt).toBeLessThan(500);
    expect(f.health()).toMatchObject({ healthy: false, ended: false });
  });

  it('when batches at speed max turn slow all at once then timers still get a turn within a few slices', async () => {
    const f = feed(REPLAY_DATA, ['BTC/USDT', 'ETH/USDT', 'SOL/USDT'], { loop: true, clock: { now: () => performance.now() } });
    // Fast batches first (the clock is read every many of them), then batches of 0.5 ms each.
    let slow = false;
    let last = performance.now();
    const gaps: number[] = [];
    const ticker = setInterval(() => {
      const now = performance.now();
      if (slow) gaps.push(now - last);
      last = now;
    }, 1);
    setTimeout(() => {
      slow = true;
      last = performance.now();
      setTimeout(() => f.stop(), 400);
    }, 150);
    try {
      await f.run({ after: null, warmupCandles: 0 }, () => {
        if (!slow) return;
        const until = performance.now() + 0.5;
        while (performance.now() < until);
      });
    } finally {
      clearInterval(ticker);
    }
    expect(gaps.length).toBeGreaterThan(5);
    // Slices are 8 ms; a stride sized for the fast batches (hundreds) would hold timers off for 100s of ms.
    expect(Math.max(...gaps)).toBeLessThan(120);
  });

  it('when the data ends then health says ended and unhealthy', async () => {
    const dir = replayDir({ 'BTC/USDT': [[0, 10]] });
    const f = feed(dir, ['BTC/USDT']);
    expect(f.health().healthy).toBe(false);
    await collect(f);
    expect(f.health()).toMatchObject({ healthy: false, ended: true });
  });
});

describe('loadCandleSeries', () => {
  it('when rows are duplicated, out of order, invalid or missing then they are dropped and counted', () => {
    const dir = replayDir({ 'BTC/USDT': [[0, 10], [1, 11], [1, 11], [0, 10], [5, 15]] }, { 'BTC/USDT': [`${T0 + 6 * MIN},1,0.5,2,1,1`, `${T0 + 7 * MIN},abc,1,1,1,1`] });
    const series = loadCandleSeries(path.join(dir, 'BINANCE_BTC-USDT_1m.csv'), 'BTC/USDT', MIN);
    expect(Array.from(series.ts, (t) => (t - T0) / MIN)).toEqual([0, 1, 5]);
    expect(series.integrity).toEqual({ duplicates: 1, outOfOrder: 1, gaps: 1, missingCandles: 3, invalidRows: 2 });
  });

  it('when fields are written in any form Number() reads then each value is exactly what Number() gives', () => {
    // A seeded generator: plain decimals of every length, 16+ digit mantissas, exponents,
    // signs, spaces and CRLF rows, which the fast path must either read exactly or hand over.
    let seed = 42;
    const next = (): number => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const digits = (k: number): string => Array.from({ length: k }, () => Math.floor(next() * 10)).join('');
    const field = (): string => {
      const form = Math.floor(next() * 8);
      const int = String(1 + Math.floor(next() * 99_999));
      if (form === 0) return int;
      if (form === 1) return `${int}.${digits(1 + Math.floor(next() * 8))}`;
      if (form === 2) return `0.${digits(1 + Math.floor(next() * 14))}1`;
      if (form === 3) return `${int}${digits(9)}.${digits(6)}`; // 16+ digits
      if (form === 4) return `${int}e-${1 + Math.floor(next() * 3)}`;
      if (form === 5) return `+${int}.${digits(2)}`;
      if (form === 6) return ` ${int}.${digits(3)} `;
      return `${int}.${digits(2)}00`;
    };
    const expected: number[][] = [];
    const lines = ['timestamp,open,high,low,close,volume'];
    for (let i = 0; i < 2_000; i++) {
      const texts = [field(), field(), field(), field()].sort((a, b) => Number(a) - Number(b));
      const volume = field();
      const row = [String(T0 + i * MIN), texts[1]!, texts[3]!, texts[0]!, texts[2]!, volume];
      expected.push(row.map(Number));
      lines.push(row.join(',') + (i % 2 === 0 ? '\r' : ''));
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-'));
    const file = path.join(dir, 'BINANCE_BTC-USDT_1m.csv');
    fs.writeFileSync(file, lines.join('\n'));
    const series = loadCandleSeries(file, 'BTC/USDT', MIN);
    expect(series.integrity.invalidRows).toBe(0);
    const parsed = Array.from({ length: series.length }, (_, i) => [series.ts[i], series.open[i], series.high[i], series.low[i], series.close[i], series.volume[i]]);
    expect(parsed).toEqual(expected);
  });

  it('when a price or the volume is Infinity then the row is invalid, dropped and counted', () => {
    const dir = replayDir({ 'BTC/USDT': [[0, 10]] }, { 'BTC/USDT': [`${T0 + MIN},10,Infinity,9,10,1`, `${T0 + 2 * MIN},10,11,9,Infinity,1`, `${T0 + 3 * MIN},10,11,9,10,Infinity`, `${T0 + 4 * MIN},10,11,9,10,1`] });
    const series = loadCandleSeries(path.join(dir, 'BINANCE_BTC-USDT_1m.csv'), 'BTC/USDT', MIN);
    expect(Array.from(series.ts, (t) => (t - T0) / MIN)).toEqual([0, 4]);
    expect(series.integrity.invalidRows).toBe(3);
  });

  it('when a field is padded with Unicode white space then it reads as Number() reads it', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-'));
    const file = path.join(dir, 'BINANCE_BTC-USDT_1m.csv');
    const row = [String(T0), '\u00a010', '11\u2003', '\ufeff9', '10.5\u00a0', '\u30001e3'];
    fs.writeFileSync(file, `timestamp,open,high,low,close,volume\n${row.join(',')}\n`);
    const series = loadCandleSeries(file, 'BTC/USDT', MIN);
    expect(series.integrity.invalidRows).toBe(0);
    expect([series.ts[0], series.open[0], series.high[0], series.low[0], series.close[0], series.volume[0]]).toEqual(row.map(Number));
  });

  it('when reading the bundled real BTC data then the 2023-03-24 exchange halt shows as one gap of 80 candles', () => {
    const series = loadCandleSeries(path.join(REPLAY_DATA, 'BINANCE_BTC-USDT_1m.csv'), 'BTC/USDT', MIN);
    expect(series.length).toBe(66_087);
    expect(series.integrity).toEqual({ duplicates: 0, outOfOrder: 0, gaps: 1, missingCandles: 80, invalidRows: 0 });
  });

  it('when the header is wrong then the error names the file and line 1', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-'));
    const file = path.join(dir, 'BINANCE_BTC-USDT_1m.csv');
    fs.writeFileSync(file, 'time,o,h,l,c,v\n1,1,1,1,1,1\n');
    expect(() => loadCandleSeries(file, 'BTC/USDT', MIN)).toThrow(`${file}:1 has header`);
  });

  it('when the lines end in CR alone then the error names the file and line 1 in one short sentence, not the whole file quoted as the header', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-'));
    const file = path.join(dir, 'BINANCE_BTC-USDT_1m.csv');
    const rows = Array.from({ length: 1_000 }, (_, i) => `${T0 + i * MIN},10,11,9,10,1`);
    fs.writeFileSync(file, ['timestamp,open,high,low,close,volume', ...rows].join('\r') + '\r');
    expect(() => loadCandleSeries(file, 'BTC/USDT', MIN)).toThrow(`${file}:1 has lines that end in a lone CR`);
    expect(() => loadCandleSeries(file, 'BTC/USDT', MIN)).toThrow(/^.{0,300}$/s);
  });
});
