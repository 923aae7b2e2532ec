/**
 * Where mappings and blueprints live: RunStore documents (DynamoDB in production). One
 * `network-mapping` doc per source VPC (`<region>:<vpc-id>`), replaced by each replication, and a
 * `network-mapping-index` doc per runbook naming the VPC docs it uses.
 */
import type { RunStore } from '../ports.js';
import { NetworkMapping, type VpcMappingDoc } from './mapping.js';

export const MAPPING_DOC_KIND = 'network-mapping';
export const MAPPING_INDEX_DOC_KIND = 'network-mapping-index';
export const BLUEPRINT_DOC_KIND = 'blueprint';

interface MappingIndexDoc {
  keys: string[];
}

export function mappingKey(sourceRegion: string, sourceVpcId: string): string {
  return `${sourceRegion}:${sourceVpcId}`;
}

/** Stores the VPC's current mapping (replacing the previous one) and lists it for the runbook. */
export async function saveMapping(store: RunStore, runbook: string, doc: VpcMappingDoc): Promise<void> {
  const key = mappingKey(doc.sourceRegion, doc.sourceVpcId);
  await store.putDoc<VpcMappingDoc>(MAPPING_DOC_KIND, key, doc);
  const index = (await store.getDoc<MappingIndexDoc>(MAPPING_INDEX_DOC_KIND, runbook)) ?? { keys: [] };
  if (!index.keys.includes(key)) {
    await store.putDoc<MappingIndexDoc>(MAPPING_INDEX_DOC_KIND, runbook, { keys: [...index.keys, key] });
  }
}

export async function loadVpcMapping(
  store: RunStore,
  sourceRegion: string,
  sourceVpcId: string,
): Promise<VpcMappingDoc | undefined> {
  return store.getDoc<VpcMappingDoc>(MAPPING_DOC_KIND, mappingKey(sourceRegion, sourceVpcId));
}

/** Every current VPC mapping the runbook uses, as one NetworkMapping (empty when none). */
export async function loadRunbookMapping(store: RunStore, runbook: string): Promise<NetworkMapping> {
  const index = await store.getDoc<MappingIndexDoc>(MAPPING_INDEX_DOC_KIND, runbook);
  const docs: VpcMappingDoc[] = [];
  for (const key of index?.keys ?? []) {
    const doc = await store.getDoc<VpcMappingDoc>(MAPPING_DOC_KIND, key);
    if (doc) docs.push(doc);
  }
  return new NetworkMapping(docs);
}
