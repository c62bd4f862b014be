import https from 'node:https';
import tls from 'node:tls';
import { createDefaultHttpClient, type HttpClient, type PipelineRequest, type TlsSettings } from '@azure/core-rest-pipeline';

/**
 * Node's public roots plus one extra CA. `ca` replaces the default roots in Node, so the
 * public ones are added back: a client trusting the emulator still reaches real Azure.
 */
export function agentTrusting(caPem: string, tlsSettings: TlsSettings = {}): https.Agent {
  return new https.Agent({ keepAlive: true, ...tlsSettings, ca: [...tls.rootCertificates, caPem] });
}

/**
 * An Azure SDK HttpClient (the default Node one) that also trusts `caPem`, e.g. the ARM emulator's
 * self-signed certificate. Certificate and host-name verification stay on; nothing is disabled.
 *
 *   new WebSiteManagementClient(credential, subscriptionId, { endpoint: emu.url, httpClient: httpClientTrusting(emu.caCertPem) })
 *
 * A request that already has an agent (the SDK's proxy policy, HTTPS_PROXY) keeps it: the SDK
 * does not combine custom certificates with proxies either.
 */
export function httpClientTrusting(caPem: string): HttpClient {
  const inner = createDefaultHttpClient();
  const plain = agentTrusting(caPem);
  // One agent per client-certificate setting, so mutual TLS (tlsSettings) keeps working too.
  const withClientCert = new WeakMap<TlsSettings, https.Agent>();
  const agentFor = (request: PipelineRequest): https.Agent => {
    if (!request.tlsSettings) return plain;
    let agent = withClientCert.get(request.tlsSettings);
    if (!agent) withClientCert.set(request.tlsSettings, (agent = agentTrusting(caPem, request.tlsSettings)));
    return agent;
  };
  return {
    sendRequest(request) {
      if (!request.agent && request.url.startsWith('https:')) request.agent = agentFor(request);
      return inner.sendRequest(request);
    },
  };
}
