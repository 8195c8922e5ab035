import { describe, expect, it } from 'vitest';
import { barChart } from '../../../../src/reports/svg/bar-chart.js';
import { lineChart } from '../../../../src/reports/svg/line-chart.js';
import { escapeXml, niceTicks, svgDocument, tickLabel } from '../../../../src/reports/svg/svg.js';
import { buildWeeklyCharts } from '../../../../src/reports/weekly/weekly-charts.js';
import { buildWeeklyReport } from '../../../../src/reports/weekly/weekly-report.js';
import { makeInputs, trade } from '../daily/fixtures.js';
import { shadowFixture } from './shadow-fixture.js';
import { xmlProblems } from './xml-check.js';
import { collectShadowLog } from '../../../../src/reports/daily/shadow-log.js';

const doc = (parts: string[]) => svgDocument(600, 400, 'test', parts);
const line = (series: Array<{ name: string; points: Array<[number, number]> }>) =>
  lineChart({ x: 0, y: 0, width: 600, height: 300, title: 'Balance <&> "quoted"', yLabel: 'y', series, xDomain: [0, 100], xTicks: [{ at: 50, label: 'mid' }], step: true, noDataText: 'no data here' });

describe('hand-written SVG', () => {
  it('when the xml checker meets broken markup then it says so (the checker itself works)', () => {
    expect(xmlProblems('<svg><g></svg>')).not.toEqual([]);
    expect(xmlProblems('<svg><text>a < b</text></svg>')).not.toEqual([]);
    expect(xmlProblems('<svg><text>R&D</text></svg>')).not.toEqual([]);
    expect(xmlProblems('<svg a="1"/><svg/>')).not.toEqual([]);
    expect(xmlProblems('<?xml version="1.0"?>\n<svg><text>R&amp;D</text><g/></svg>')).toEqual([]);
  });

  it('when a line chart has series then it is well-formed, escapes its text and draws one polyline per series', () => {
    const svg = doc([line([{ name: 'champion <paper>', points: [[0, 100], [40, 90], [100, 120]] }, { name: 'rsi & co', points: [[0, 100], [60, 130]] }])]);
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg.match(/<polyline /g)).toHaveLength(2);
    expect(svg).toContain('Balance &lt;&amp;&gt; &quot;quoted&quot;');
    expect(svg).toContain('data-series="champion &lt;paper&gt;"');
    expect(svg).not.toMatch(/NaN|Infinity/);
  });

  it.each([
    ['no series', []],
    ['only opening points', [{ name: 'a', points: [[0, 100]] as Array<[number, number]> }]],
  ])('when a line chart has %s then it shows "no data" instead of an empty frame', (_what, series) => {
    const svg = doc([line(series)]);
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).toContain('no data here');
    expect(svg).not.toContain('<polyline');
  });

  it('when a bar chart has negative, positive and missing values then bars hang from a zero line and missing ones are not drawn', () => {
    const svg = doc([barChart({ x: 0, y: 0, width: 600, height: 300, title: 't', yLabel: 'y', seriesNames: ['a', 'b'], groups: [{ label: 'bull', values: [1.5, -0.5] }, { label: 'bear', values: [null, 0.25] }], noDataText: 'none' })]);
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg.match(/data-value=/g)).toHaveLength(3);
    expect(svg).toContain('data-value="-0.5"');
  });

  it('when every bar value is missing then the bar chart says "no data"', () => {
    const svg = doc([barChart({ x: 0, y: 0, width: 600, height: 300, title: 't', yLabel: 'y', seriesNames: ['a'], groups: [{ label: 'x', values: [null] }], noDataText: 'none at all' })]);
    expect(svg).toContain('none at all');
    expect(xmlProblems(svg)).toEqual([]);
  });

  it.each([
    [0, 10, [0, 2, 4, 6, 8, 10]],
    [-0.35, 0.2, [-0.3, -0.2, -0.1, 0, 0.1, 0.2]],
    [7000, 10000, [7000, 7500, 8000, 8500, 9000, 9500, 10000]],
  ])('when ticks span %s … %s then they are round numbers inside the range', (min, max, expected) => {
    expect(niceTicks(min, max).map((t) => Number(t.toFixed(9)))).toEqual(expected);
  });

  it.each([
    [10000, '10k'],
    [9500, '9.5k'],
    [150, '150'],
    [2.5, '2.5'],
    [0.1, '0.1'],
    [0, '0'],
  ])('when a tick is %s then its label is %s', (value, label) => {
    expect(tickLabel(value)).toBe(label);
  });

  it('when text has all five XML specials then each is escaped', () => {
    expect(escapeXml(`<a href='x'>"&"</a>`)).toBe('&lt;a href=&apos;x&apos;&gt;&quot;&amp;&quot;&lt;/a&gt;');
  });
});

describe('buildWeeklyCharts', () => {
  const W12 = { year: 2023, week: 12 };

  it('when the home is empty then the SVG is well-formed and every panel says "no data"', () => {
    const inputs = makeInputs();
    const svg = buildWeeklyCharts(inputs, W12, buildWeeklyReport(inputs, W12));
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg.match(/class="panel no-data"/g)).toHaveLength(4);
  });

  it('when a week of real-candle shadow decisions and trades is charted then all four panels have data and the SVG is well-formed', () => {
    const fixture = shadowFixture({ from: Date.parse('2023-03-20T00:00:00Z'), to: Date.parse('2023-03-27T00:00:00Z'), advisor: true, symbols: ['BTC', 'ETH'] });
    const inputs = makeInputs({
      shadow: collectShadowLog(fixture.lines),
      trades: [trade('2023-03-20T10:00:00.000Z', { net_pnl: -20 }), trade('2023-03-22T10:00:00.000Z', { net_pnl: 35 })],
      shadowBooks: { rsi_revert: [trade('2023-03-21T10:00:00.000Z', { net_pnl: 12 }), trade('2023-03-24T10:00:00.000Z', { net_pnl: -4 })] },
    });
    const svg = buildWeeklyCharts(inputs, W12, buildWeeklyReport(inputs, W12));
    expect(xmlProblems(svg)).toEqual([]);
    expect(svg).not.toContain('no-data');
    expect(svg.match(/<polyline /g)).toHaveLength(4); // 2 balances + 2 drawdowns
    expect(svg).toContain('data-series="champion (paper)"');
    expect(svg).not.toMatch(/NaN|Infinity/);
  });
});
