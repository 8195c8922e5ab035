import type { LogFn, Logger } from '../../ports/logger.js';

const LEVELS = ['debug', 'info', 'warn', 'error', 'fatal'] as const;
const MASK = '[redacted]';

/**
 * A logger that masks the given secrets wherever they appear in a line. Exchange error texts
 * (URLs, echoed request bodies) reach the log, so masking is done on every line, not trusted to callers.
 */
export function redactingLogger(logger: Logger, secrets: readonly string[]): Logger {
  const values = secrets.filter((s) => s.length > 0);
  if (values.length === 0) return logger;
  const scrub = redactor(values);
  const scrubValue = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return scrub(value);
    if (depth > 4 || typeof value !== 'object' || value === null) return value;
    if (value instanceof Error) return { name: value.name, message: scrub(value.message) };
    if (Array.isArray(value)) return value.map((v) => scrubValue(v, depth + 1));
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubValue(v, depth + 1)]));
  };
  const wrap = (fn: LogFn): LogFn =>
    ((objOrMsg: object | string, msg?: string) => {
      if (typeof objOrMsg === 'string') fn(scrub(objOrMsg));
      else if (msg === undefined) fn(scrubValue(objOrMsg, 0) as object);
      else fn(scrubValue(objOrMsg, 0) as object, scrub(msg));
    }) as LogFn;
  const out = {} as Record<(typeof LEVELS)[number], LogFn>;
  for (const level of LEVELS) out[level] = wrap(logger[level].bind(logger));
  return out;
}

/** Masks the given secrets in a text: for exchange texts that leave the feed other than by its log (errors). */
export function redactor(secrets: readonly string[]): (text: string) => string {
  const values = secrets.filter((s) => s.length > 0);
  return (text) => values.reduce((out, secret) => out.split(secret).join(MASK), text);
}
