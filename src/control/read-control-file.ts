import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';

/** Control files are a few bytes; anything larger is refused unread. */
export const MAX_CONTROL_FILE_BYTES = 64 * 1024;

export interface ControlFileContent {
  /** The text, without a UTF-8 BOM; '' when the file could not be read as text. */
  readonly content: string;
  /** sha256 hex of the bytes read (for a file over the limit: of its first 64 KiB). */
  readonly digest: string;
  readonly bytes: number;
  /** Why the content is not usable text (too large, binary), else null. */
  readonly unreadable: string | null;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a control file without ever holding more than the limit: one bounded read, so a
 * 5 MB blob dropped into the folder costs 64 KiB. Returns null when the file is gone.
 */
export async function readControlFile(file: string, maxBytes = MAX_CONTROL_FILE_BYTES): Promise<ControlFileContent | null> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (error) {
    if (isGone(error)) return null;
    throw error;
  }
  try {
    const { size } = await handle.stat();
    // One byte over the limit tells "too large" apart, also for a file that grows meanwhile.
    const buffer = Buffer.alloc(maxBytes + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > maxBytes) {
      const head = buffer.subarray(0, maxBytes);
      return { content: '', digest: sha256(head), bytes: Math.max(size, length), unreadable: `is ${Math.max(size, length)} bytes, more than the ${maxBytes} a control file may hold, so it was not read` };
    }
    const bytes = buffer.subarray(0, length);
    const digest = sha256(bytes);
    const text = decode(bytes);
    if (text === null) return { content: '', digest, bytes: length, unreadable: `holds binary data (a NUL byte or invalid UTF-8), not text` };
    return { content: text, digest, bytes: length, unreadable: null };
  } finally {
    await handle.close();
  }
}

/** The text of `bytes`, or null when they are not text an operator could have typed. */
function decode(bytes: Uint8Array): string | null {
  if (bytes.includes(0)) return null;
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function isGone(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
