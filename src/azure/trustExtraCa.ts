import https from 'node:https';
import tls from 'node:tls';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';

/**
 * Node's public roots plus one extra CA (PEM). `ca` replaces the default roots in Node, so the
 * public ones are added back: a client trusting the emulator still reaches real Azure.
 */
export function agentTrusting(caPem: string): https.Agent {
  // One secure context per CA for the process, built once: given as `ca`, the ~140 roots would be
  // parsed again for every new connection and joined into the agent's pool key on every request;
  // and every ARM client (sites, subscriptions, each subscription's) shares its connection pool.
  let agent = agents.get(caPem);
  if (!agent) {
    agent = new https.Agent({ keepAlive: true, secureContext: tls.createSecureContext({ ca: [...tls.rootCertificates, caPem] }) });
    agents.set(caPem, agent);
  }
  return agent;
}

const agents = new Map<string, https.Agent>();

/**
 * A pipeline policy that makes the SDK trust one extra CA, e.g. the local ARM emulator's
 * self-signed certificate. Verification stays on: this only widens the trusted set.
 */
export function trustExtraCaPolicy(caPem: string): PipelinePolicy {
  const agent = agentTrusting(caPem);
  return {
    name: 'trustExtraCa',
    sendRequest(request, next) {
      request.agent ??= agent;
      return next(request);
    },
  };
}
