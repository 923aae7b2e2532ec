/**
 * drbot's tags on Alibaba Cloud resources (the same keys as on AWS), and conversions between the
 * ECS request shape (`Tag.N.Key/Value` → `[{ key, value }]`), the response shape
 * (`Tags.Tag[{ TagKey, TagValue }]`) and maps.
 */
export const TAG = {
  runId: 'drbot:run-id',
  mode: 'drbot:mode',
  expires: 'drbot:expires',
  sourceInstance: 'drbot:source-instance',
  capturedAt: 'drbot:captured-at',
  captureKey: 'drbot:capture-key',
  appConsistent: 'drbot:app-consistent',
  launchType: 'drbot:launch-type',
  launchKey: 'drbot:launch-key',
  launchIndex: 'drbot:launch-index',
} as const;

/** ECS takes at most 20 tags per request; tag values are at most 128 characters. */
export const MAX_TAGS = 20;

export function tagList(tags: Record<string, string | undefined>): { key: string; value: string }[] {
  return Object.entries(tags)
    .filter((e): e is [string, string] => e[1] !== undefined)
    .slice(0, MAX_TAGS)
    .map(([key, value]) => ({ key, value }));
}

export function tagMap(
  tags: { tag?: { tagKey?: string; tagValue?: string }[] } | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags?.tag ?? []) if (t.tagKey !== undefined) out[t.tagKey] = t.tagValue ?? '';
  return out;
}
