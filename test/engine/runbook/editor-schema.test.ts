import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ACTION_SPECS } from '../../../engine/actions/catalogue.js';
import { editorSchemaText } from '../../../engine/runbook/editor-schema.js';
import base from '../../../engine/runbook/runbook.base.schema.json' with { type: 'json' };

const FILE = join(import.meta.dirname, '../../../engine/runbook/runbook.schema.json');
const text = readFileSync(FILE, 'utf8');
const schema = JSON.parse(text) as { $defs: { step: { properties: { action: { enum: string[] } } } } };
const fixture = parse(readFileSync(join(import.meta.dirname, '../../fixtures/ux/web-tier.yaml'), 'utf8'));

function validator() {
  const ajv = new Ajv2020({ allErrors: true, strict: false, allowUnionTypes: true });
  ajv.addFormat('date-time', true);
  return ajv.compile(schema);
}

/** The fixture with its drill's third step changed. */
function withThirdStep(change: (step: Record<string, unknown>) => void): unknown {
  const doc = structuredClone(fixture);
  change(doc.spec.modes.drill.steps[2]);
  return doc;
}

describe('editor schema (runbook.schema.json)', () => {
  it('is what `npm run docs` generates from the base schema and the catalogue', () => {
    expect(
      text === editorSchemaText(base as Record<string, unknown>, ACTION_SPECS),
      'stale: run `npm run docs`',
    ).toBe(true);
  });

  it('knows every action of the catalogue, and only those', () => {
    expect(schema.$defs.step.properties.action.enum).toEqual(ACTION_SPECS.map((a) => a.name));
  });

  it('accepts a valid runbook, expressions included', () => {
    const validate = validator();
    expect(validate(fixture), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects a misspelt action (ec2.waitHealty)', () => {
    const validate = validator();
    expect(validate(withThirdStep((s) => (s.action = 'ec2.waitHealty')))).toBe(false);
    expect(JSON.stringify(validate.errors)).toContain('enum');
  });

  it("checks the action's with: an unknown input is refused", () => {
    const validate = validator();
    expect(validate(withThirdStep((s) => (s.with = { ...(s.with as object), bogus: 1 })))).toBe(false);
  });
});
