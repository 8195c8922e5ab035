import { describe, expect, it } from 'vitest';
import { parseAdjustRisk } from '../../../src/control/adjust-risk.js';

const MAX = 2;

describe('parseAdjustRisk', () => {
  it.each([
    ['0.5', { risk_multiplier: 0.5 }],
    ['0.5\n', { risk_multiplier: 0.5 }],
    ['  1  ', { risk_multiplier: 1 }],
    ['\ufeff1.5\r\n', { risk_multiplier: 1.5 }],
    ['0', { risk_multiplier: 0 }],
    ['2', { risk_multiplier: 2 }],
    ['-0', { risk_multiplier: 0 }],
    ['.5', { risk_multiplier: 0.5 }],
    ['5e-1', { risk_multiplier: 0.5 }],
    ['0.5 # half size', { risk_multiplier: 0.5 }],
    ['risk_multiplier: 1.5', { risk_multiplier: 1.5 }],
    ['risk_per_trade_pct: 5', { risk_per_trade_pct: 5 }],
    ['max_open_positions: 0', { max_open_positions: 0 }],
    ['max_portfolio_heat_pct: 100', { max_portfolio_heat_pct: 100 }],
    [
      'risk_multiplier: 0.5\nrisk_per_trade_pct: 0.25\nmax_open_positions: 2\nmax_portfolio_heat_pct: 4\n',
      { risk_multiplier: 0.5, risk_per_trade_pct: 0.25, max_open_positions: 2, max_portfolio_heat_pct: 4 },
    ],
    ['{ risk_multiplier: 1, max_open_positions: 5 }', { risk_multiplier: 1, max_open_positions: 5 }],
    ['# lower risk for the weekend\nrisk_per_trade_pct: 0.2 # was 0.5', { risk_per_trade_pct: 0.2 }],
  ])('when the content is %j then it applies %j', (content, values) => {
    expect(parseAdjustRisk(content, MAX)).toEqual({ ok: true, values });
  });

  it.each([
    ['', /empty/],
    ['   \n\t ', /empty/],
    ['# only a comment', /only comments/],
    ['abc', /content "abc" is neither a number nor a YAML mapping/],
    ['0.5 please', /neither a number nor a YAML mapping/],
    ['10', /risk_multiplier "10" is out of range; it must be between 0 and 2/],
    ['2.0001', /risk_multiplier "2.0001" is out of range/],
    ['-0.5', /risk_multiplier "-0.5" is negative/],
    ['-1', /negative/],
    ['.nan', /risk_multiplier ".nan" is not a plain decimal number/],
    ['NaN', /"NaN" is neither a number/],
    ['.inf', /".inf" is not a plain decimal number/],
    ['Infinity', /"Infinity" is neither a number/],
    ['1e400', /"1e400" is not a finite number/],
    ['0x1', /"0x1" is not a plain decimal number/],
    ['0o1', /"0o1" is not a plain decimal number/],
    ['"0.5"', /risk_multiplier "0.5" is text, not a number/],
    ['true', /risk_multiplier "true" is not a plain decimal number/],
    ['null', /"null" is not a plain decimal number/],
    ['- 1\n- 2', /YAML list/],
    ['[1]', /YAML list/],
    ['risk_multiplier: 3', /risk_multiplier "3" is out of range; it must be between 0 and 2/],
    ['risk_multiplier: -1', /risk_multiplier "-1" is negative/],
    ['risk_per_trade_pct: 0', /risk_per_trade_pct "0" is out of range; it must be more than 0 and at most 5/],
    ['risk_per_trade_pct: 5.5', /risk_per_trade_pct "5.5" is out of range/],
    ['max_open_positions: 2.5', /max_open_positions "2.5" is out of range; it must be a whole number of 0 or more/],
    ['max_open_positions: -1', /max_open_positions "-1" is negative/],
    ['max_portfolio_heat_pct: 0', /max_portfolio_heat_pct "0" is out of range/],
    ['max_portfolio_heat_pct: 101', /max_portfolio_heat_pct "101" is out of range; it must be more than 0 and at most 100/],
    ['risk_multiplier: "1"', /risk_multiplier "1" is text, not a number/],
    ['risk_multiplier: one', /risk_multiplier "one" is text, not a number/],
    ['risk_multiplier: yes', /risk_multiplier "yes" is text/],
    ['risk_multiplier: true', /risk_multiplier "true" is not a plain decimal number/],
    ['risk_multiplier:', /risk_multiplier has no value/],
    ['risk_multiplier: [1]', /risk_multiplier is a nested list or mapping/],
    ['risk_multiplier: { value: 1 }', /risk_multiplier is a nested list or mapping/],
    ['risk_multiplier: 1\nleverage: 10', /unknown key "leverage"; allowed keys are risk_multiplier/],
    ['Risk_Multiplier: 1', /unknown key "Risk_Multiplier"/],
    ['__proto__: 1', /unknown key "__proto__"/],
    ['toString: 1', /unknown key "toString"/],
    ['1: 1', /key that is not a name \("1"\)/],
    ['? [a]\n: 1', /key that is not a name \(a list or mapping\)/],
    ['risk_multiplier: 1\nrisk_multiplier: 0.5', /sets risk_multiplier more than once/],
    ['{}', /empty mapping/],
    ['risk_multiplier: &a 1\nrisk_per_trade_pct: *a', /anchor/],
    ['risk_multiplier: !!float 1', /not valid YAML|tag/],
    ['!!str 1', /tag/],
    ['risk_multiplier: !!js/function "return 1"', /not valid YAML|tag/],
    ['<<: { risk_multiplier: 1 }', /unknown key "<<"/],
    ['1\n---\n2', /not valid YAML/],
    ['risk_multiplier: [1', /not valid YAML/],
    ['0.5\u0000', /binary/],
    ['\ufffd\ufffd', /binary/],
  ])('when the content is %j then it is rejected (%s) and nothing is applied', (content, reason) => {
    const result = parseAdjustRisk(content, MAX);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toMatch(reason);
    expect(result.reason).toMatch(/^ADJUST_RISK /);
    expect(result.reason).not.toContain('\n');
  });

  it('when the content is longer than a control file may be then it is rejected unparsed', () => {
    expect(parseAdjustRisk('1'.repeat(70_000), MAX)).toMatchObject({ ok: false, reason: expect.stringMatching(/more than the 65536/) });
  });

  it('when max_multiplier is configured higher then a larger multiplier is accepted', () => {
    expect(parseAdjustRisk('3', 5)).toEqual({ ok: true, values: { risk_multiplier: 3 } });
    expect(parseAdjustRisk('risk_multiplier: 6', 5)).toMatchObject({ ok: false, reason: expect.stringMatching(/between 0 and 5/) });
  });

  it('when a value is long then the reason shows only its start', () => {
    const result = parseAdjustRisk(`risk_multiplier: ${'9'.repeat(500)}`, MAX);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason.length).toBeLessThan(200);
  });
});
