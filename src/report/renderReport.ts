import { renderCsv } from './renderCsv.js';
import { renderHtml } from './renderHtml.js';
import { renderJson } from './renderJson.js';
import { renderMarkdown } from './renderMarkdown.js';
import type { Report, ReportFormat } from './types.js';

export const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'csv', 'markdown', 'html'];

const RENDERERS: Readonly<Record<ReportFormat, (report: Report) => string>> = {
  json: renderJson,
  csv: renderCsv,
  markdown: renderMarkdown,
  html: renderHtml,
};

/** The report in one of the four formats. */
export function renderReport(report: Report, format: ReportFormat): string {
  return RENDERERS[format](report);
}

/** Content type per format, for whoever serves or saves the report. */
export const REPORT_CONTENT_TYPES: Readonly<Record<ReportFormat, string>> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  markdown: 'text/markdown; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

/** File extension per format (for `--out` defaults). */
export const REPORT_EXTENSIONS: Readonly<Record<ReportFormat, string>> = { json: 'json', csv: 'csv', markdown: 'md', html: 'html' };

export function isReportFormat(value: string): value is ReportFormat {
  return (REPORT_FORMATS as readonly string[]).includes(value);
}
