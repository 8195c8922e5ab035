const STORAGE_CODES = ['SQLITE_BUSY', 'SQLITE_LOCKED', 'SQLITE_IOERR', 'SQLITE_FULL', 'SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_PROTOCOL'];

/**
 * A write the ledger could not make now (locked by another process, disk full, I/O error).
 * Nothing in memory changed, so trading halts and the next candle tries again.
 */
export function isStorageUnavailable(error: unknown): boolean {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' && STORAGE_CODES.some((c) => code.startsWith(c));
}
