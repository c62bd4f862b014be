import type { TokenCredential } from '@azure/core-auth';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import type { ClientCertMode, SitePatchResource, WebSiteManagementClient, WebSiteManagementClientOptionalParams } from '@azure/arm-appservice';
import type { SiteRef, SiteSnapshot } from '../policy/index.js';
import type { ClientCertPatch, SiteReader, SiteWriter } from '../model/index.js';
import { countArmRequests, countArmRequestsPolicy } from './armRequestCount.js';
import { isNotFound, mapArmError } from './mapArmError.js';
import { ARM_ACTIONS } from './requiredActions.js';
import { toSnapshot } from './toSnapshot.js';
import { trustExtraCaPolicy } from './trustExtraCa.js';

export interface ArmSitesOptions {
  /** ARM endpoint, e.g. https://management.azure.com or the emulator's URL. */
  endpoint: string;
  credential: TokenCredential;
  /** Extra CA (PEM) to trust, for the local emulator. */
  caCertPem?: string;
  /** SDK retries for 429/5xx (it honours Retry-After). Default 3. */
  maxRetries?: number;
}

export interface ArmSites extends SiteReader, SiteWriter {
  listSites(subscriptionId: string): AsyncIterable<SiteSnapshot>;
  listSlots(site: SiteRef): AsyncIterable<SiteSnapshot>;
  /** Every site of a resource group and every slot of those sites (`includeSlots=true`), in pages. */
  listGroupWithSlots(subscriptionId: string, resourceGroup: string): AsyncIterable<SiteSnapshot>;
  /** Run `work`, counting the ARM requests it alone sends (a sweep job's `armCalls`). */
  countRequests<T>(work: () => Promise<T>): Promise<{ value: T; requests: number }>;
}

/** ARM adapter over `@azure/arm-appservice`; one SDK client per subscription, created on first use. */
export function createArmSites(options: ArmSitesOptions): ArmSites {
  const clients = new Map<string, Promise<WebSiteManagementClient>>();
  // One policy for every subscription's client: one secure context (building one parses ~140
  // roots, tens of ms of CPU and ~1 MB each) and one keep-alive connection pool, not one per subscription.
  const extraCa = options.caCertPem ? trustExtraCaPolicy(options.caCertPem) : undefined;
  const clientFor = (subscriptionId: string) => {
    let client = clients.get(subscriptionId);
    if (!client) {
      client = newClient(options, subscriptionId, extraCa);
      clients.set(subscriptionId, client);
    }
    return client;
  };
  return {
    countRequests: countArmRequests,
    async getSite(ref) {
      const action = ref.slot ? ARM_ACTIONS.readSlot : ARM_ACTIONS.readSite;
      const client = await clientFor(ref.subscriptionId);
      try {
        const site = ref.slot
          ? await client.webApps.getSlot(ref.resourceGroup, ref.site, ref.slot)
          : await client.webApps.get(ref.resourceGroup, ref.site);
        return toSnapshot(site);
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw mapArmError(err, action);
      }
    },
    async patchClientCert(ref, patch, options) {
      const action = ref.slot ? ARM_ACTIONS.writeSlot : ARM_ACTIONS.writeSite;
      const client = await clientFor(ref.subscriptionId);
      const request = options?.correlationId ? { requestOptions: { headers: { 'x-ms-correlation-request-id': options.correlationId } } } : {};
      try {
        const site = ref.slot
          ? await client.webApps.updateSlot(ref.resourceGroup, ref.site, ref.slot, clientCertOnly(patch), request)
          : await client.webApps.update(ref.resourceGroup, ref.site, clientCertOnly(patch), request);
        return toSnapshot(site);
      } catch (err) {
        throw mapArmError(err, action);
      }
    },
    async *listSites(subscriptionId) {
      const client = await clientFor(subscriptionId);
      yield* pagesOf(() => client.webApps.list().byPage(), ARM_ACTIONS.readSite);
    },
    async *listSlots(site) {
      const client = await clientFor(site.subscriptionId);
      yield* pagesOf(() => client.webApps.listSlots(site.resourceGroup, site.site).byPage(), ARM_ACTIONS.readSlot);
    },
    async *listGroupWithSlots(subscriptionId, resourceGroup) {
      const client = await clientFor(subscriptionId);
      yield* pagesOf(() => client.webApps.listByResourceGroup(resourceGroup, { includeSlots: true }).byPage(), ARM_ACTIONS.readSlot);
    },
  };
}

/** Copy field by field, so nothing but the client-cert properties can reach the PATCH body. */
function clientCertOnly(patch: ClientCertPatch): SitePatchResource {
  // The SDK types modes as a known-values union; Azure's own values pass through as strings.
  const body: SitePatchResource = { clientCertEnabled: true, clientCertMode: patch.clientCertMode as ClientCertMode };
  if (patch.clientCertExclusionPaths === '') body.clientCertExclusionPaths = '';
  return body;
}

async function* pagesOf(
  open: () => AsyncIterableIterator<import('@azure/arm-appservice').Site[]>,
  action: string,
): AsyncIterable<SiteSnapshot> {
  try {
    for await (const page of open()) {
      for (const site of page) yield toSnapshot(site);
    }
  } catch (err) {
    throw mapArmError(err, action);
  }
}

async function newClient(options: ArmSitesOptions, subscriptionId: string, extraCa: PipelinePolicy | undefined): Promise<WebSiteManagementClient> {
  // Loaded on first use so a cold start that never touches ARM does not pay for the SDK.
  const { WebSiteManagementClient } = await import('@azure/arm-appservice');
  const clientOptions: WebSiteManagementClientOptionalParams = {
    endpoint: options.endpoint,
    credentials: { scopes: [`${options.endpoint}/.default`] },
    retryOptions: { maxRetries: options.maxRetries ?? 3 },
  };
  clientOptions.additionalPolicies = [{ policy: countArmRequestsPolicy, position: 'perRetry' }];
  if (extraCa) clientOptions.additionalPolicies.push({ policy: extraCa, position: 'perCall' });
  return new WebSiteManagementClient(options.credential, subscriptionId, clientOptions);
}
