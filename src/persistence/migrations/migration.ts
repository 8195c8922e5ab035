/** One schema step. Released migrations are never edited: add the next number. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}
