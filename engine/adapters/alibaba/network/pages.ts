/**
 * PageNumber/PageSize paging of the VPC and ECS Describe* calls (50 per page, the VPC API's
 * maximum), and the reading of VPC-style tags (`Tags.Tag[{ Key, Value }]`, unlike ECS's
 * `TagKey/TagValue`).
 */
import { aliCall } from '../errors.js';

/** DescribeVpcs, DescribeVSwitches, DescribeRouteTableList, DescribeSecurityGroups: at most 50. */
export const PAGE_SIZE = 50;

/** Every page of one query: `fetch(pageNumber)` answers a page's items and the total count. */
export async function allPages<T>(
  operation: string,
  fetch: (pageNumber: number) => Promise<{ items: T[] | undefined; total: number | undefined }>,
): Promise<T[]> {
  const out: T[] = [];
  for (let pageNumber = 1; ; pageNumber++) {
    const { items = [], total = 0 } = await aliCall(operation, () => fetch(pageNumber));
    out.push(...items);
    if (items.length < PAGE_SIZE || out.length >= total) return out;
  }
}

/** VPC API tags (`{ tag: [{ key, value }] }`) as a map. */
export function vpcTagMap(
  tags: { tag?: { key?: string; value?: string }[] } | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags?.tag ?? []) if (t.key !== undefined) out[t.key] = t.value ?? '';
  return out;
}

/** Alibaba's reserved tag keys (`acs:`, `aliyun…`) cannot be set by a user: never copied. */
export function copyableTags(tags: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(tags).filter(([k]) => !k.startsWith('acs:') && !k.startsWith('aliyun')),
  );
}
