import fs from 'node:fs';
import Database from 'better-sqlite3';

/**
 * One daemon per home. The lock is an exclusive SQLite write lock (fcntl on POSIX,
 * LockFileEx on Windows), which the operating system drops when the process dies, so a
 * `kill -9` never leaves a lock that blocks the next start.
 */
export class InstanceLock {
  private constructor(private db: Database.Database | null) {}

  /** Returns the lock, or null when another live process holds it. */
  static tryAcquire(lockFile: string): InstanceLock | null {
    const db = new Database(lockFile, { timeout: 0 });
    try {
      db.pragma('journal_mode = DELETE');
      db.pragma('locking_mode = EXCLUSIVE');
      db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER)');
      db.exec('BEGIN EXCLUSIVE');
      db.exec('DELETE FROM holder');
      db.prepare('INSERT INTO holder (pid) VALUES (?)').run(process.pid);
      // The transaction stays open: the exclusive lock is held until release() or death.
      return new InstanceLock(db);
    } catch (error) {
      db.close();
      if (isBusy(error)) return null;
      throw error;
    }
  }

  release(): void {
    if (!this.db) return;
    try {
      this.db.exec('ROLLBACK');
    } finally {
      this.db.close();
      this.db = null;
    }
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: string }).code ?? '';
  return code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED');
}

/** The pid written in a pid file, or null. */
export function readPidFile(file: string): number | null {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, 'utf8').trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
