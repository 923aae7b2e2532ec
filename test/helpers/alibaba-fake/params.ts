/** RPC parameter helpers and the error shape of Alibaba Cloud's API gateway. */

export type Params = Record<string, string>;

/** An API error, answered as `{ RequestId, HostId, Code, Message, Recommend }` with its status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function required(params: Params, action: string, names: readonly string[]): void {
  for (const name of names) {
    const present = name.endsWith('.1')
      ? params[name] !== undefined
      : params[name] !== undefined && params[name] !== '';
    if (!present)
      throw new ApiError(
        400,
        `MissingParameter`,
        `${action}: the input parameter "${name}" that is mandatory for processing this request is not supplied.`,
      );
  }
}

/** `InstanceId.1`, `InstanceId.2` … → values. */
export function indexed(params: Params, prefix: string): string[] {
  const out: string[] = [];
  for (let i = 1; params[`${prefix}.${i}`] !== undefined; i++) out.push(params[`${prefix}.${i}`] as string);
  return out;
}

/** `Tag.1.Key` / `Tag.1.Value` … → map. */
export function tagParams(params: Params, prefix = 'Tag'): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 1; params[`${prefix}.${i}.Key`] !== undefined; i++)
    out[params[`${prefix}.${i}.Key`] as string] = params[`${prefix}.${i}.Value`] ?? '';
  return out;
}

/** A JSON-array parameter (`InstanceIds='["i-1","i-2"]'`), at most `max` entries. */
export function jsonList(params: Params, name: string, max = 100): string[] | undefined {
  const raw = params[name];
  if (raw === undefined || raw === '') return undefined;
  let list: unknown;
  try {
    list = JSON.parse(raw);
  } catch {
    throw new ApiError(400, `InvalidParameter.${name}`, `${name} must be a JSON array: ${raw}`);
  }
  if (!Array.isArray(list))
    throw new ApiError(400, `InvalidParameter.${name}`, `${name} must be a JSON array`);
  if (list.length > max)
    throw new ApiError(400, `InvalidParameter.${name}`, `${name} takes at most ${max} values`);
  return list.map(String);
}

/** Response tags: `{ Tag: [{ TagKey, TagValue }] }`. */
export function tagSet(tags: Record<string, string>): { Tag: { TagKey: string; TagValue: string }[] } {
  return { Tag: Object.entries(tags).map(([TagKey, TagValue]) => ({ TagKey, TagValue })) };
}

export function matchesTags(tags: Record<string, string>, wanted: Record<string, string>): boolean {
  // a Tag.N.Key without a Value matches every value of that key (the ECS filter semantics)
  return Object.entries(wanted).every(([k, v]) => (v === '' ? k in tags : tags[k] === v));
}

/** Page of `items` for PageNumber/PageSize (1-based, max `maxSize`). */
export function page<T>(
  params: Params,
  items: T[],
  maxSize = 100,
): { items: T[]; PageNumber: number; PageSize: number; TotalCount: number } {
  const size = Math.min(Number(params.PageSize ?? params.MaxResults ?? 10) || 10, maxSize);
  const number = Number(params.PageNumber ?? 1) || 1;
  return {
    items: items.slice((number - 1) * size, number * size),
    PageNumber: number,
    PageSize: size,
    TotalCount: items.length,
  };
}
