import { describe, expect, it } from 'vitest';
import { runBacktest } from '../../../src/app/backtest.js';
import { parseConfigText } from '../../../src/config/load-config.js';
import { REPLAY_DATA } from '../../support/daemon.js';

describe('runBacktest progress', () => {
  it('when a range is asked for then the progress total is the candles in that range, and the last report reaches it', async () => {
    const reports: Array<[number, number]> = [];
    const result = await runBacktest({
      config: parseConfigText('feed: { timeframe: 1m }\n', 'paper_live.yaml'),
      dataDir: REPLAY_DATA,
      from: Date.parse('2023-03-20T00:00:00Z'),
      to: Date.parse('2023-03-21T00:00:00Z'),
      onProgress: (done, total) => reports.push([done, total]),
    });
    expect(result.candles).toBe(3 * 1_440); // one day of three symbols, every minute present
    expect(reports[0]![1]).toBe(result.candles);
    expect(reports.at(-1)).toEqual([result.candles, result.candles]);
  });
});
