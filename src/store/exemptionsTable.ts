import { odata } from '@azure/data-tables';
import type { ExemptionsPort } from '../enforcer/ports.js';
import type { Exemption } from '../policy/types.js';
import { exemptionPartition, exemptionScopes, fromExemptionEntity } from './exemptionEntity.js';
import type { Table } from './tableAccess.js';

const PAGE_SIZE = 1000;

/** Read side of the exemption register: one partition query per covering scope, in parallel. */
export function createExemptionsTable(table: Table): ExemptionsPort {
  return {
    async forResource(ref) {
      const perScope = await Promise.all(exemptionScopes(ref).map((scope) => readScope(table, scope)));
      return perScope.flat();
    },
  };
}

async function readScope(table: Table, scope: string): Promise<Exemption[]> {
  const exemptions: Exemption[] = [];
  for await (const page of table.pages('read exemptions', odata`PartitionKey eq ${exemptionPartition(scope)}`, PAGE_SIZE)) {
    for (const entity of page) exemptions.push(fromExemptionEntity(entity));
  }
  return exemptions;
}
