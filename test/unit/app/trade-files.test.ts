import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TradeFiles } from '../../../src/app/trade-files.js';
import { SqliteLedger } from '../../../src/persistence/sqlite-ledger.js';
import { realisticTrade } from '../readiness/fixtures.js';

const opened: Array<{ files: TradeFiles; ledger: SqliteLedger }> = [];
afterEach(() => {
  for (const { files, ledger } of opened.splice(0)) {
    files.close();
    ledger.close();
  }
});

function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperlive-trade-files-'));
  const ledger = new SqliteLedger(path.join(dir, 'ledger.sqlite'));
  const allTrades = path.join(dir, 'all_trades.jsonl');
  const today = path.join(dir, 'trades_today.json');
  const files = new TradeFiles(allTrades, today, ledger);
  opened.push({ files, ledger });
  const readToday = () => JSON.parse(fs.readFileSync(today, 'utf8')) as { date: string; trades: Array<{ id: string }>; summary: { total_trades: number; total_pnl: number } };
  const readAll = () => fs.readFileSync(allTrades, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { id: string });
  // As the broker does: the ledger commits the trade before the files hear of it.
  const close = (trade: ReturnType<typeof realisticTrade>) => {
    ledger.insertTrade(trade);
    files.record(trade);
  };
  return { files, close, readToday, readAll };
}

const at = (iso: string) => Date.parse(iso);

describe('TradeFiles: trades_today.json and all_trades.jsonl agree with the ledger', () => {
  it('when the first trade of a market day closes before the day has rolled then it is counted once', () => {
    const { files, close, readToday, readAll } = setup();
    files.rollToTime(at('2023-03-20T23:59:00Z'));
    close(realisticTrade(at('2023-03-21T00:00:00Z'), { net_pnl: -105.9 }, 'trd-1'));
    const today = readToday();
    expect(today.date).toBe('2023-03-21');
    expect(today.trades.map((t) => t.id)).toEqual(['trd-1']);
    expect(today.summary).toMatchObject({ total_trades: 1, total_pnl: -105.9 });
    expect(readAll().map((t) => t.id)).toEqual(['trd-1']);
  });

  it('when the first trade after a restart closes then it is counted once, with the day\'s earlier trades', () => {
    const { close, readToday } = setup();
    close(realisticTrade(at('2023-03-21T08:00:00Z'), { net_pnl: 2 }, 'trd-1'));
    close(realisticTrade(at('2023-03-21T09:00:00Z'), { net_pnl: 3 }, 'trd-2'));
    expect(readToday().trades.map((t) => t.id)).toEqual(['trd-1', 'trd-2']);
    expect(readToday().summary).toMatchObject({ total_trades: 2, total_pnl: 5 });
  });

  it('when market time reaches the next UTC day then the file starts again from that day\'s ledger trades', () => {
    const { files, close, readToday } = setup();
    close(realisticTrade(at('2023-03-21T08:00:00Z'), {}, 'trd-1'));
    files.rollToTime(at('2023-03-22T00:00:00Z'));
    expect(readToday()).toMatchObject({ date: '2023-03-22', trades: [], summary: { total_trades: 0 } });
    close(realisticTrade(at('2023-03-22T00:05:00Z'), {}, 'trd-2'));
    expect(readToday().trades.map((t) => t.id)).toEqual(['trd-2']);
  });

  it('when a live mark has moved the day on and the old day\'s last candle then closes a trade then the file stays on the new day', () => {
    const { files, close, readToday, readAll } = setup();
    files.rollToTime(at('2023-03-21T23:58:00Z'));
    close(realisticTrade(at('2023-03-22T00:00:30Z'), { net_pnl: 4 }, 'trd-1')); // a live mark just after midnight
    close(realisticTrade(at('2023-03-21T23:59:00Z'), { net_pnl: 7 }, 'trd-2')); // the 23:59 candle, processed after it
    files.rollToTime(at('2023-03-21T23:59:00Z'));
    expect(readToday()).toMatchObject({ date: '2023-03-22', trades: [{ id: 'trd-1' }], summary: { total_trades: 1, total_pnl: 4 } });
    expect(readAll().map((t) => t.id)).toEqual(['trd-1', 'trd-2']);
    files.rollToTime(at('2023-03-22T00:00:00Z'));
    expect(readToday()).toMatchObject({ date: '2023-03-22', trades: [{ id: 'trd-1' }] });
  });

  it('when a restart resumes with the old day\'s last candle after a live mark closed a trade in the new day then the file stays on the new day', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperlive-trade-files-'));
    const ledger = new SqliteLedger(path.join(dir, 'ledger.sqlite'));
    const today = path.join(dir, 'trades_today.json');
    const before = new TradeFiles(path.join(dir, 'all_trades.jsonl'), today, ledger);
    before.rollToTime(at('2023-03-21T23:58:00Z'));
    const trade = realisticTrade(at('2023-03-22T00:00:30Z'), { net_pnl: 4 }, 'trd-1');
    ledger.insertTrade(trade);
    before.record(trade);
    before.close();
    const after = new TradeFiles(path.join(dir, 'all_trades.jsonl'), today, ledger);
    opened.push({ files: after, ledger });
    expect(after.reconcile().appended).toBe(0);
    after.rollToTime(at('2023-03-21T23:59:00Z')); // the first candle the restarted feed gives
    expect(JSON.parse(fs.readFileSync(today, 'utf8'))).toMatchObject({ date: '2023-03-22', trades: [{ id: 'trd-1' }] });
  });

  it('when a crash came between the ledger\'s commit and the files then the restart puts the trade in both files before any candle', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'paperlive-trade-files-'));
    const ledger = new SqliteLedger(path.join(dir, 'ledger.sqlite'));
    const allTrades = path.join(dir, 'all_trades.jsonl');
    const today = path.join(dir, 'trades_today.json');
    const before = new TradeFiles(allTrades, today, ledger);
    const first = realisticTrade(at('2023-03-21T08:00:00Z'), { net_pnl: 2 }, 'trd-1');
    ledger.insertTrade(first);
    before.record(first);
    ledger.insertTrade(realisticTrade(at('2023-03-21T09:00:00Z'), { net_pnl: 3 }, 'trd-2')); // committed; then the process died
    before.close();
    const after = new TradeFiles(allTrades, today, ledger);
    opened.push({ files: after, ledger });
    expect(after.reconcile().appended).toBe(1);
    expect(fs.readFileSync(allTrades, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { id: string }).id)).toEqual(['trd-1', 'trd-2']);
    expect(JSON.parse(fs.readFileSync(today, 'utf8'))).toMatchObject({ date: '2023-03-21', trades: [{ id: 'trd-1' }, { id: 'trd-2' }], summary: { total_trades: 2, total_pnl: 5 } });
  });
});
