import https from 'node:https';
import tls from 'node:tls';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';

/**
 * A pipeline policy that makes the SDK trust one extra CA (PEM) on top of Node's public roots,
 * e.g. the local ARM emulator's self-signed certificate. Verification stays on: this only widens
 * the trusted set, it never disables checking.
 */
export function trustExtraCaPolicy(caPem: string): PipelinePolicy {
  const agent = new https.Agent({ keepAlive: true, ca: [...tls.rootCertificates, caPem] });
  return {
    name: 'trustExtraCa',
    sendRequest(request, next) {
      request.agent = agent;
      return next(request);
    },
  };
}
