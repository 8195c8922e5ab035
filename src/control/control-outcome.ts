/** The last applied or rejected control request, as status.json `.control` shows it (SPEC §4). */
export interface ControlOutcome {
  readonly file: string;
  readonly at: string;
  readonly content: string;
  readonly result: 'applied' | 'rejected';
  readonly reason: string;
}

/** Content kept in the ledger, the log and status.json: enough to recognise it, never a blob. */
export const MAX_RECORDED_CONTENT_CHARS = 200;

export function truncateContent(content: string): string {
  return content.length > MAX_RECORDED_CONTENT_CHARS ? `${content.slice(0, MAX_RECORDED_CONTENT_CHARS)}…` : content;
}
