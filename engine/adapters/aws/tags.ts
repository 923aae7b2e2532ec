/**
 * The tags drbot writes on everything it creates, and conversions between AWS tag lists and maps.
 * Recovery points and launched resources are found again by these tags, never by name.
 */
import type { ResourceType, Tag, TagSpecification } from '@aws-sdk/client-ec2';

export const TAG = {
  runId: 'drbot:run-id',
  mode: 'drbot:mode',
  expires: 'drbot:expires',
  sourceInstance: 'drbot:source-instance',
  /** The original a chain of recovered copies descends from (engine/cloud/origin.ts). */
  origin: 'drbot:origin',
  capturedAt: 'drbot:captured-at',
  captureKey: 'drbot:capture-key',
  appConsistent: 'drbot:app-consistent',
  launchType: 'drbot:launch-type',
  launchKey: 'drbot:launch-key',
  launchIndex: 'drbot:launch-index',
  device: 'drbot:device',
} as const;

/** AWS `[{Key, Value}]` → `{ key: value }`. */
export function tagMap(tags: readonly Tag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const tag of tags ?? []) if (tag.Key !== undefined) out[tag.Key] = tag.Value ?? '';
  return out;
}

/** `{ key: value }` → AWS `[{Key, Value}]`, skipping undefined values. */
export function tagList(tags: Record<string, string | undefined>): Tag[] {
  return Object.entries(tags)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .map(([Key, Value]) => ({ Key, Value }));
}

/** One TagSpecification per resource type with the same tags, so nothing is created untagged. */
export function tagSpecs(
  types: readonly ResourceType[],
  tags: Record<string, string | undefined>,
): TagSpecification[] {
  const list = tagList(tags);
  return types.map((ResourceType) => ({ ResourceType, Tags: list }));
}

/** An EC2 filter on one tag value. */
export function tagFilter(key: string, ...values: string[]): { Name: string; Values: string[] } {
  return { Name: `tag:${key}`, Values: values };
}
