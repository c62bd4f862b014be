import { odata } from '@azure/data-tables';
import type { ExemptionsPort } from '../model/index.js';
import type { SiteRef } from '../policy/index.js';
import type { Exemption } from '../policy/index.js';
import { chunk } from '../shared/index.js';
import { forEachLimited } from '../shared/index.js';
import { exemptionPartition, exemptionScopes, fromExemptionEntity } from './exemptionEntity.js';
import type { Table } from './tableAccess.js';

const PAGE_SIZE = 1000;
/** Table Storage allows 15 comparisons in one filter. */
const SCOPES_PER_QUERY = 15;
const PARALLEL_QUERIES = 4;

/**
 * Read side of the exemption register (PK = the scope). One resource: one partition query per
 * covering scope, in parallel. Many resources (a delivery's): their covering scopes, each once,
 * 15 partitions to a query, so a delivery of 16 sites in one subscription costs 2–3 queries, not 48.
 * (Table Storage may serve a query naming several partitions as a scan of the table: the register
 * holds exceptions, a small table, so one scan costs less than a request per scope.)
 */
export function createExemptionsTable(table: Table): ExemptionsPort {
  return {
    async forResource(ref) {
      const perScope = await Promise.all(exemptionScopes(ref).map((scope) => readScopes(table, [scope])));
      return perScope.flatMap((found) => [...found.values()].flat());
    },
    async forResources(refs) {
      const scopes = [...new Set(refs.flatMap(exemptionScopes))];
      const byScope = new Map<string, Exemption[]>();
      await forEachLimited(chunk(scopes, SCOPES_PER_QUERY), PARALLEL_QUERIES, async (piece) => {
        for (const [scope, found] of await readScopes(table, piece)) byScope.set(scope, found);
      });
      return new Map(refs.map((ref: SiteRef) => [ref.key, exemptionScopes(ref).flatMap((scope) => byScope.get(scope) ?? [])]));
    },
  };
}

/** The exemptions of each scope (partition) named, in one query. */
async function readScopes(table: Table, scopes: readonly string[]): Promise<Map<string, Exemption[]>> {
  const scopeOf = new Map(scopes.map((scope) => [exemptionPartition(scope), scope]));
  const filter = [...scopeOf.keys()].map((partitionKey) => odata`PartitionKey eq ${partitionKey}`).join(' or ');
  const found = new Map<string, Exemption[]>(scopes.map((scope) => [scope, []]));
  for await (const page of table.pages('read exemptions', filter, PAGE_SIZE)) {
    for (const entity of page) found.get(scopeOf.get(String(entity.partitionKey)) ?? '')?.push(fromExemptionEntity(entity));
  }
  return found;
}
