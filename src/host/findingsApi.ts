import type { ServerResponse } from 'node:http';
import type { EnforcerDeps } from '../enforcer/index.js';
import type { Finding } from '../store/types.js';
import { sendJson } from './sendJson.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** GET /api/findings[?subscriptionId=&status=]: current findings, read from the table. */
export async function serveFindings(deps: EnforcerDeps, url: URL, res: ServerResponse): Promise<void> {
  const subscriptionId = url.searchParams.get('subscriptionId') ?? undefined;
  if (subscriptionId && !GUID.test(subscriptionId)) return sendJson(res, 400, { error: 'subscriptionId must be a GUID' });
  const status = url.searchParams.get('status') ?? undefined;
  const findings: Finding[] = [];
  for await (const f of deps.findings.list(subscriptionId ? { subscriptionId: subscriptionId.toLowerCase() } : {})) {
    if (!status || f.status === status) findings.push(f);
  }
  sendJson(res, 200, { count: findings.length, findings });
}
