/**
 * A tiny structural validator for the agent's JSON: enough to turn "the agent printed something
 * else" into a precise message (`checks[1].latencyMs: expected number`) without a schema engine.
 */

export type Shape =
  | 'string'
  | 'number'
  | 'boolean'
  /** An array whose items all match the one shape inside. */
  | [Shape]
  | { oneOf: string[] }
  | { nullable: Shape }
  /** An object; a key ending in `?` is optional. Unknown keys are allowed (newer agents). */
  | { [key: string]: Shape };

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

/** The first mismatch as `path: expected …, got …`, or undefined when `value` matches. */
export function validate(value: unknown, shape: Shape, path = ''): string | undefined {
  const at = path || '(root)';
  if (typeof shape === 'string') {
    const ok =
      shape === 'number' ? typeof value === 'number' && Number.isFinite(value) : typeof value === shape;
    return ok ? undefined : `${at}: expected ${shape}, got ${describe(value)}`;
  }
  if (Array.isArray(shape)) {
    if (!Array.isArray(value)) return `${at}: expected array, got ${describe(value)}`;
    for (const [index, item] of value.entries()) {
      const problem = validate(item, shape[0], `${path}[${index}]`);
      if (problem) return problem;
    }
    return undefined;
  }
  if ('oneOf' in shape && Array.isArray(shape.oneOf)) {
    const choices = shape.oneOf as string[];
    return typeof value === 'string' && choices.includes(value)
      ? undefined
      : `${at}: expected one of ${choices.join(', ')}, got ${JSON.stringify(value)}`;
  }
  if ('nullable' in shape && Object.keys(shape).length === 1) {
    return value === null ? undefined : validate(value, shape.nullable as Shape, path);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return `${at}: expected object, got ${describe(value)}`;
  const record = value as Record<string, unknown>;
  for (const [rawKey, inner] of Object.entries(shape as Record<string, Shape>)) {
    const optional = rawKey.endsWith('?');
    const key = optional ? rawKey.slice(0, -1) : rawKey;
    const child = path ? `${path}.${key}` : key;
    if (!(key in record) || record[key] === undefined) {
      if (optional) continue;
      return `${child}: missing`;
    }
    const problem = validate(record[key], inner, child);
    if (problem) return problem;
  }
  return undefined;
}
