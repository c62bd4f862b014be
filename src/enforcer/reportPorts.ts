/** One rendered artifact of a run's report: `report.<extension>`. */
export interface StoredReportFile {
  extension: string;
  text: string;
  contentType: string;
}

/** Where a finished run's notice goes (the notification outbox); idempotent per run. */
export interface RunNoticePort {
  runFinished(notice: { runId: string; state: string; at: string; detail: string }): Promise<void>;
}

/** Stored reports (Blob Storage, container MTLS_REPORT_CONTAINER): `runs/<runId>/report.<ext>` and `latest/`. */
export interface ReportStorePort {
  /** Writes the files that are not stored yet and never overwrites one; returns how many this call wrote. */
  putRun(runId: string, files: readonly StoredReportFile[]): Promise<number>;
  /** Replaces `latest/` unless it already holds this run or a newer one; true when it wrote. */
  putLatest(runId: string, files: readonly StoredReportFile[]): Promise<boolean>;
  /** A stored artifact's text, or undefined when the run has none. */
  get(runId: string, extension: string): Promise<string | undefined>;
  /** Where a run's files are, for messages and logs. */
  location(runId: string): string;
}
