/** A file a report consists of: a name inside data/reports/ and its whole content. The app writes it atomically. */
export interface ReportFile {
  readonly name: string;
  readonly content: string;
}

export function jsonReportFile(name: string, value: unknown): ReportFile {
  return { name, content: `${JSON.stringify(value, null, 2)}\n` };
}
