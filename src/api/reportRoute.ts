import { loadReportInput, type EnforcerDeps } from '../enforcer/index.js';
import { InvalidInputError } from '../errors.js';
import { buildReport, isReportFormat, renderReport, REPORT_CONTENT_TYPES, REPORT_EXTENSIONS, REPORT_FORMATS } from '../report/index.js';
import { methodNotAllowed } from './handleApi.js';
import type { ApiRequest, ApiResponse } from './types.js';

/** GET /api/report?format=json|csv|markdown|html&run=latest|<id> */
export async function reportRoute(deps: EnforcerDeps, req: ApiRequest, rest: string[]): Promise<ApiResponse> {
  if (rest.length > 0) return { status: 404, body: { error: 'use /api/report?format=&run=' } };
  if (req.method !== 'GET') return methodNotAllowed(req.method, 'GET');
  const format = req.query.get('format') ?? 'json';
  if (!isReportFormat(format)) throw new InvalidInputError(`format must be one of ${REPORT_FORMATS.join(', ')}`);
  const run = req.query.get('run') ?? 'latest';
  // A finished run's stored report is what people were sent: serve it as stored.
  // Rendering from the tables stays the fallback: a missing or unreachable blob never fails the request.
  const stored = run !== 'latest' && /^[\w-]+$/.test(run) && deps.reports ? await deps.reports.get(run, REPORT_EXTENSIONS[format]).catch(() => undefined) : undefined;
  const text = stored ?? renderReport(buildReport(await loadReportInput(deps, run), deps.clock()), format);
  return { status: 200, body: text, contentType: REPORT_CONTENT_TYPES[format] };
}
