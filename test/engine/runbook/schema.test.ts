import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ACTION_SPECS } from '../../../engine/actions/catalogue.js';
import {
  REFERENCE_END,
  REFERENCE_START,
  renderReference,
  replaceReference,
} from '../../../engine/runbook/reference.js';
import schema from '../../../engine/runbook/runbook.base.schema.json' with { type: 'json' };

type Node = Record<string, unknown>;

/** Every property (including map values and list items of object type) with no description. */
function undocumented(node: Node, path: string, out: string[]): string[] {
  for (const [name, property] of Object.entries((node.properties ?? {}) as Record<string, Node>)) {
    if (typeof property.description !== 'string' || property.description.length === 0)
      out.push(`${path}.${name}`);
    undocumented(property, `${path}.${name}`, out);
  }
  for (const key of ['items', 'additionalProperties'] as const) {
    const child = node[key];
    if (child && typeof child === 'object') undocumented(child as Node, `${path}.${key}`, out);
  }
  return out;
}

describe('runbook.schema.json', () => {
  it('is draft 2020-12', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('describes every property', () => {
    const out = undocumented(schema as unknown as Node, '', []);
    for (const [name, def] of Object.entries(schema.$defs)) {
      expect(typeof (def as Node).description, `$defs.${name}`).toBe('string');
      undocumented(def as Node, `$defs.${name}`, out);
    }
    expect(out).toEqual([]);
  });
});

describe('renderReference', () => {
  it('documents every schema section and every action with its inputs', () => {
    const text = renderReference();
    expect(text).toContain('| `spec.approvals` | map of gate |');
    expect(text).toContain('### Step (`steps[]`, `cleanup[]`)');
    for (const action of ACTION_SPECS) expect(text).toContain(`#### \`${action.name}\``);
    expect(text).toContain('| `launchType` | `TEST` \\| `CUTOVER` | yes |');
  });
});

describe('replaceReference', () => {
  it('replaces only the text between the markers', () => {
    const doc = `a\n${REFERENCE_START}\nold\n${REFERENCE_END}\nb\n`;
    expect(replaceReference(doc, 'NEW\n')).toBe(`a\n${REFERENCE_START}\n\nNEW\n\n${REFERENCE_END}\nb\n`);
  });

  it('is idempotent', () => {
    const doc = `a\n${REFERENCE_START}\n${REFERENCE_END}\n`;
    const once = replaceReference(doc, 'X\n') as string;
    expect(replaceReference(once, 'X\n')).toBe(once);
  });

  it('returns undefined when a marker is missing or out of order', () => {
    expect(replaceReference('no markers', 'x')).toBeUndefined();
    expect(replaceReference(`${REFERENCE_END}\n${REFERENCE_START}`, 'x')).toBeUndefined();
  });
});

describe('README runbook reference', () => {
  it('matches the schema and the action catalogue (run `npm run docs` after changing either)', () => {
    const readme = readFileSync('README.md', 'utf8');
    const regenerated = replaceReference(readme, renderReference());
    // README without markers yet: `drbot docs --write` refuses, and there is nothing to compare
    if (regenerated === undefined) expect(readme).not.toContain(REFERENCE_START);
    else expect(regenerated === readme, 'README.md reference is stale: run `npm run docs`').toBe(true);
  });
});
