/**
 * Property-based fuzzing: whatever the input, the loader returns a Runbook or throws RunbookError
 * with well-formed issues, never anything else. Seeded, so failures reproduce. 2,400 cases in all (1,200 + 500 + 400 + 300).
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadRunbook, RunbookError } from '../../../engine/runbook/index.js';

const SOURCES = [
  'test/fixtures/tiers/app-tier.yaml',
  'test/fixtures/tiers/db-tier.yaml',
  'test/fixtures/runbooks/valid/minimal.yaml',
].map((file) => readFileSync(file, 'utf8'));
const DOCS = SOURCES.map((text) => parse(text) as unknown);
const SEED = 20_261_122;
/** Mostly the small fixture (parsing dominates the cost), sometimes the full runbooks. */
const WHICH = fc.constantFrom(0, 1, 2, 2, 2, 2, 2, 2);

/** Loads and asserts the outcome is a runbook or a structured RunbookError. */
function loadsOrRejectsCleanly(text: string): void {
  try {
    const runbook = loadRunbook(text, 'fuzz.yaml');
    expect(Object.isFrozen(runbook)).toBe(true);
  } catch (err) {
    if (!(err instanceof RunbookError)) throw err;
    expect(err.issues.length).toBeGreaterThan(0);
    for (const issue of err.issues) {
      expect(issue.line).toBeGreaterThanOrEqual(1);
      expect(issue.col).toBeGreaterThanOrEqual(1);
      expect(typeof issue.code).toBe('string');
      expect(typeof issue.path).toBe('string');
    }
  }
}

type Json = unknown;
type Mutation = {
  kind: 'delete' | 'replace' | 'duplicate' | 'rename';
  pick: number;
  value: Json;
  key: string;
};

/** Every [container, key] in the document, so a mutation can target any node. */
function slots(doc: Json): [Record<string, Json> | Json[], string | number][] {
  const out: [Record<string, Json> | Json[], string | number][] = [];
  const walk = (node: Json) => {
    if (Array.isArray(node)) {
      for (const [i, item] of node.entries()) {
        out.push([node, i]);
        walk(item);
      }
    } else if (node !== null && typeof node === 'object') {
      for (const [key, item] of Object.entries(node)) {
        out.push([node as Record<string, Json>, key]);
        walk(item);
      }
    }
  };
  walk(doc);
  return out;
}

function mutate(doc: Json, mutations: Mutation[]): Json {
  const copy = structuredClone(doc);
  for (const m of mutations) {
    const all = slots(copy);
    if (all.length === 0) break;
    const [container, key] = all[m.pick % all.length] as [Record<string, Json> | Json[], string | number];
    const bag = container as Record<string | number, Json>;
    if (m.kind === 'delete') {
      if (Array.isArray(container)) container.splice(Number(key), 1);
      else delete bag[key];
    } else if (m.kind === 'replace') {
      bag[key] = m.value;
    } else if (m.kind === 'duplicate') {
      if (Array.isArray(container)) container.push(structuredClone(container[Number(key)]));
      else bag[`${key}${m.key}`] = structuredClone(bag[key]);
    } else if (!Array.isArray(container)) {
      bag[m.key] = bag[key];
      delete bag[key];
    }
  }
  return copy;
}

const interesting = fc.oneof(
  fc.constantFrom(
    'CUTOVER',
    'TEST',
    'launch',
    'rpo-gate',
    '${{ steps.launch.outputs.instanceIds }}',
    '${{ steps.nope.outputs.x }}',
    '${{ spec.objectives.rpo',
    '${{ (((( }}',
    '__proto__',
    'constructor',
    '15m',
    '0 9 * * MON',
    'approval',
    'ec2.stop',
    'end',
  ),
  fc.jsonValue({ maxDepth: 3 }),
);

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  kind: fc.constantFrom('delete', 'replace', 'duplicate', 'rename'),
  pick: fc.nat(),
  value: interesting,
  key: fc.oneof(
    fc.constantFrom('needs', 'with', 'id', 'rto', '__proto__', 'x', 'when'),
    fc.string({ maxLength: 8 }),
  ),
});

describe('loader fuzzing', () => {
  // Split into batches so no single test nears the per-test timeout on a loaded 2-core machine.
  it.each([0, 1, 2])(
    'survives structural mutations of the valid runbooks (batch %i of 400)',
    (batch) => {
      fc.assert(
        fc.property(WHICH, fc.array(mutationArb, { minLength: 1, maxLength: 4 }), (which, mutations) => {
          loadsOrRejectsCleanly(stringify(mutate(DOCS[which], mutations)));
        }),
        { seed: SEED + 10 + batch, numRuns: 400 },
      );
    },
    120_000,
  );

  it.each([0, 1])(
    'survives text-level edits of the valid runbooks (batch %i of 250)',
    (batch) => {
      fc.assert(
        fc.property(
          WHICH,
          fc.nat(),
          fc.nat({ max: 40 }),
          fc.string({ maxLength: 20 }),
          (which, at, cut, insert) => {
            const text = SOURCES[which] as string;
            const start = at % text.length;
            loadsOrRejectsCleanly(text.slice(0, start) + insert + text.slice(start + cut));
          },
        ),
        { seed: SEED + 20 + batch, numRuns: 250 },
      );
    },
    120_000,
  );

  it('survives random strings (400 cases)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (text) => loadsOrRejectsCleanly(text)),
      { seed: SEED + 2, numRuns: 400 },
    );
  });

  it('survives random bytes decoded as UTF-8 (300 cases)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) =>
        loadsOrRejectsCleanly(new TextDecoder().decode(bytes)),
      ),
      { seed: SEED + 3, numRuns: 300 },
    );
  });
});
