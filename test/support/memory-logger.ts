import type { LogFn, Logger } from '../../src/ports/logger.js';

export interface LogLine {
  readonly level: keyof Logger;
  readonly obj: Record<string, unknown>;
  readonly msg: string;
}

/** A logger that keeps its lines, to assert on what an operator would read. */
export function memoryLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: keyof Logger): LogFn =>
    (objOrMsg: object | string, msg?: string) => {
      if (typeof objOrMsg === 'string') lines.push({ level, obj: {}, msg: objOrMsg });
      else lines.push({ level, obj: objOrMsg as Record<string, unknown>, msg: msg ?? '' });
    };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), fatal: at('fatal') };
}
