import { parseArgs } from 'node:util';
import { listSubscriptionSettings } from '../enforcer/index.js';
import { startLocalHost } from '../host/index.js';
import { createRuntime } from '../triggers/index.js';
import { consoleLog } from './consoleLog.js';
import { EXIT, parsePort, UsageError, type CliIo } from './io.js';
import { configFor } from './runtimeFor.js';

export const SERVE_HELP = `Usage: mtls-enforcer serve [--port <n>] [--host <addr>]

Serve the Event Grid webhook (POST /runtime/webhooks/eventgrid) and GET /api/findings with the
same handlers as the Azure Functions app, over plain HTTP (no client certificates: the key is the
only identity, with the roles MTLS_API_KEY_ROLES gives it, Reader by default). Requires
MTLS_HOST_KEY; storage and ARM from settings. npm start serves HTTPS with client certificates.

Example:
  MTLS_HOST_KEY=... MTLS_STORAGE_CONNECTION=... mtls-enforcer serve --port 7071
`;

export async function serve(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({ args, options: { port: { type: 'string', default: '7071' }, host: { type: 'string', default: '127.0.0.1' } } });
  const port = parsePort(values.port);
  const config = configFor(io);
  if (!config.host.key) throw new UsageError('MTLS_HOST_KEY must be set (at least 16 characters): every endpoint requires it');
  const { deps } = await createRuntime(config, consoleLog(io));
  // Reach storage before listening: a wrong connection fails here, with nothing started.
  await listSubscriptionSettings(deps);
  const host = await startLocalHost({ deps, key: config.host.key, access: config.api, port, host: values.host });
  io.stdout(`listening on ${host.url}\nwebhook: ${host.url}/runtime/webhooks/eventgrid (key in x-functions-key or ?code=)\n`);
  await io.untilStopped();
  await host.stop();
  return EXIT.ok;
}
