import fs from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import pretty from 'pino-pretty';

export type AppLogger = pino.Logger;

/** Paths at which a secret could appear in a log object; pino replaces them. */
const REDACT = ['apiKey', 'secret', 'password', '*.apiKey', '*.secret', '*.password', 'ccxt_options.apiKey', 'ccxt_options.secret'];

/**
 * JSON lines to logs/paper_live.log, written synchronously so that nothing is lost on a hard
 * kill (every kill on Windows is hard); pretty lines on a terminal, JSON lines otherwise.
 */
export function createLogger(logFile: string): AppLogger {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const file = pino.destination({ dest: logFile, sync: true, append: true });
  const console = process.stdout.isTTY ? pretty({ colorize: true, sync: true, translateTime: 'SYS:standard', ignore: 'pid,hostname' }) : pino.destination({ dest: 1, sync: true });
  return pino(
    { level: process.env.PAPERLIVE_LOG_LEVEL ?? 'info', redact: { paths: REDACT, censor: '[redacted]' }, base: { pid: process.pid } },
    pino.multistream([{ stream: file, level: 'debug' }, { stream: console, level: 'info' }]),
  );
}
