/** What must happen after a failed exchange call. */
export const FaultKind = {
  /** Try again after a backoff: the network, the exchange or one reply misbehaved. */
  transient: 'transient',
  /** Retrying soon will not help (bad symbol, bad keys): flag the symbol, keep the rest going. */
  permanent: 'permanent',
} as const;
export type FaultKind = (typeof FaultKind)[keyof typeof FaultKind];

export interface Fault {
  readonly kind: FaultKind;
  /** The error's class name, e.g. `RateLimitExceeded`, `InvalidReply`. */
  readonly name: string;
  /** One line, bounded; may still contain URLs, so it goes through the feed's redaction. */
  readonly message: string;
  readonly status: number | null;
  readonly retryAfterMs: number | null;
}

/** What the HTTP layer knew about the reply that produced an error. */
export interface ReplyMeta {
  readonly status: number;
  readonly retryAfterMs: number | null;
}

type ErrorClass = abstract new (...args: never[]) => Error;

/** The ccxt error classes the classifier needs, taken from the lazily loaded module. */
export interface CcxtErrorClasses {
  readonly BaseError: ErrorClass;
  readonly ExchangeError: ErrorClass;
  readonly OperationFailed: ErrorClass;
}

/** A reply that arrived without an error but does not hold what was asked for. Handled like a failed request. */
export class InvalidReplyError extends Error {
  override readonly name = 'InvalidReply';
}

/**
 * Sorts an error into transient or permanent. ccxt's OperationFailed family (NetworkError,
 * RequestTimeout, DDoSProtection, RateLimitExceeded, ExchangeNotAvailable, OnMaintenance, BadResponse)
 * is transient; so is a plain ExchangeError that came with a 5xx/429/418 status, because binance maps
 * unknown error codes in a 500 body to ExchangeError. Anything that is not a ccxt error at all was
 * thrown by a parser choking on a malformed reply, so it is transient too.
 */
export function classifyFault(error: unknown, classes: CcxtErrorClasses, meta: ReplyMeta | null): Fault {
  const status = meta?.status ?? null;
  const retryAfterMs = meta?.retryAfterMs ?? null;
  const name = error instanceof Error ? error.name || error.constructor.name : typeof error;
  const message = oneLine(error instanceof Error ? error.message : String(error));
  const make = (kind: FaultKind): Fault => ({ kind, name, message, status, retryAfterMs });
  if (error instanceof InvalidReplyError) return make(FaultKind.transient);
  if (error instanceof classes.OperationFailed) return make(FaultKind.transient);
  const serverSide = status !== null && (status >= 500 || status === 429 || status === 418);
  if (error instanceof classes.ExchangeError) return make(serverSide ? FaultKind.transient : FaultKind.permanent);
  if (error instanceof classes.BaseError) return make(FaultKind.permanent);
  return make(FaultKind.transient);
}

function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 300 ? `${flat.slice(0, 297)}...` : flat;
}
