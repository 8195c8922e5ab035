import * as ccxt from 'ccxt';
import { describe, expect, it } from 'vitest';
import { classifyFault, InvalidReplyError, type ReplyMeta } from '../../../src/feeds/ccxt/fault.js';

const classes = { BaseError: ccxt.BaseError, ExchangeError: ccxt.ExchangeError, OperationFailed: ccxt.OperationFailed };

describe('classifyFault', () => {
  it.each([
    ['NetworkError', new ccxt.NetworkError('socket hang up'), null],
    ['RequestTimeout', new ccxt.RequestTimeout('timed out'), null],
    ['DDoSProtection (418)', new ccxt.DDoSProtection('banned'), { status: 418, retryAfterMs: 60_000 }],
    ['RateLimitExceeded (429)', new ccxt.RateLimitExceeded('slow down'), { status: 429, retryAfterMs: 1_000 }],
    ['ExchangeNotAvailable', new ccxt.ExchangeNotAvailable('503'), { status: 503, retryAfterMs: null }],
    ['OnMaintenance', new ccxt.OnMaintenance('upgrading'), null],
    ['InvalidNonce', new ccxt.InvalidNonce('nonce'), null],
    ['OperationFailed (binance -1000)', new ccxt.OperationFailed('unknown error'), { status: 500, retryAfterMs: null }],
    ['BadResponse', new ccxt.BadResponse('bad'), null],
    ['NullResponse', new ccxt.NullResponse('null'), null],
    ['a plain ExchangeError from a 500', new ccxt.ExchangeError('binance {"code":-1999}'), { status: 500, retryAfterMs: null }],
    ['a plain ExchangeError from a 502', new ccxt.ExchangeError('bad gateway'), { status: 502, retryAfterMs: null }],
    ['an invalid reply', new InvalidReplyError('empty OHLCV'), null],
    ['a TypeError from a parser choking on a reply', new TypeError("Cannot read properties of undefined (reading 'length')"), null],
  ] as Array<[string, unknown, ReplyMeta | null]>)('when the error is %s then it is transient', (_, error, meta) => {
    const fault = classifyFault(error, classes, meta);
    expect(fault.kind).toBe('transient');
    expect(fault.status).toBe(meta?.status ?? null);
    expect(fault.retryAfterMs).toBe(meta?.retryAfterMs ?? null);
  });

  it.each([
    ['AuthenticationError', new ccxt.AuthenticationError('bad key'), { status: 401, retryAfterMs: null }],
    ['PermissionDenied', new ccxt.PermissionDenied('no'), null],
    ['BadSymbol', new ccxt.BadSymbol('binance does not have market symbol XYZ/USDT'), null],
    ['BadRequest', new ccxt.BadRequest('bad'), { status: 400, retryAfterMs: null }],
    ['NotSupported', new ccxt.NotSupported('nope'), null],
    ['a plain ExchangeError from a 400', new ccxt.ExchangeError('binance {"code":-1100}'), { status: 400, retryAfterMs: null }],
  ] as Array<[string, unknown, ReplyMeta | null]>)('when the error is %s then it is permanent', (_, error, meta) => {
    expect(classifyFault(error, classes, meta).kind).toBe('permanent');
  });

  it('when the message is long or multi-line then it is flattened to one bounded line', () => {
    const fault = classifyFault(new ccxt.NetworkError(`line one\n${'x'.repeat(1_000)}`), classes, null);
    expect(fault.message).not.toContain('\n');
    expect(fault.message.length).toBeLessThanOrEqual(300);
    expect(fault.name).toBe('NetworkError');
  });
});
