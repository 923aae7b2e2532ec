/**
 * Fuzzing (fast-check, seeded): runbook YAML, slash-command text and `block_actions` payloads.
 * Whatever arrives, the answer is a structured error (or a legitimate result), never an uncaught
 * exception, a 5xx, or a run started or changed by someone who may not.
 *
 * 1,000 cases each in `npm test`, 10,000 under `npm run soak` (DRBOT_SOAK=1).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { executeCommand } from '../../bot/commands/execute.js';
import { parseCommand } from '../../bot/commands/grammar.js';
import { ACTION_IDS, encodeActionValue } from '../../bot/render/slack-status.js';
import { createLocalRuntime, type LocalRuntime } from '../../bot/runtime/local.js';
import type { BotServices } from '../../bot/services.js';
import { checkRunbook, loadRunbook, RunbookError } from '../../engine/runbook/index.js';
import { type Harness, SECRET, startHarness } from '../bot/support/served.js';
import { blockActionBody, postSigned } from '../bot/support/signed.js';

const SOAK = Boolean(process.env.DRBOT_SOAK);
const RUNS = SOAK ? 10_000 : 1_000;
const SEED = 20260105;
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const APP_TIER = readFileSync(`${ROOT}test/fixtures/tiers/app-tier.yaml`, 'utf8');

/** Edits that keep most of a real runbook, so the fuzzer reaches the semantic checks. */
const mutatedRunbook = fc
  .tuple(
    fc.array(
      fc.record({
        line: fc.nat(),
        op: fc.constantFrom('delete', 'duplicate', 'replace', 'indent', 'dedent', 'truncate'),
        text: fc.oneof(
          fc.string({ maxLength: 40 }),
          fc.constantFrom(
            '    needs: [launch]',
            '    needs: [nowhere]',
            '  - id: launch',
            '    action: ec2.nope',
            '    with: { maxAge: "${{ steps.x.outputs }}" }',
            '    when: "${{ 1 + }}"',
            '    timeout: forever',
            '&a [*a, *a]',
            '<<: *x',
            '!!js/function "() => 1"',
            '  rto: end',
            '\t',
          ),
        ),
      }),
      { minLength: 1, maxLength: 6 },
    ),
  )
  .map(([edits]) => {
    const lines = APP_TIER.split('\n');
    for (const { line, op, text } of edits) {
      const at = line % lines.length;
      if (op === 'delete') lines.splice(at, 1);
      else if (op === 'duplicate') lines.splice(at, 0, lines[at] ?? '');
      else if (op === 'replace') lines[at] = text;
      else if (op === 'indent') lines[at] = `  ${lines[at]}`;
      else if (op === 'dedent') lines[at] = (lines[at] ?? '').replace(/^ {1,2}/, '');
      else lines.splice(at);
    }
    return lines.join('\n');
  });

const anyYaml = fc.oneof(
  fc.string({ maxLength: 300 }),
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc
    .record({ apiVersion: fc.constantFrom('drbot/v1', 'v2', 1), kind: fc.constantFrom('Runbook', 'x') })
    .chain((head) =>
      fc.jsonValue({ maxDepth: 4 }).map((spec) => JSON.stringify({ ...head, metadata: { name: 'f' }, spec })),
    ),
  mutatedRunbook,
);

describe('fuzzing the runbook loader', () => {
  it(`answers ${RUNS} random and mutated runbooks with a runbook or located issues, never a crash`, () => {
    fc.assert(
      fc.property(anyYaml, (text) => {
        const result = checkRunbook(text, 'fuzz.yaml');
        if (result.runbook) return;
        expect(result.issues.length).toBeGreaterThan(0);
        for (const issue of result.issues) {
          expect(typeof issue.message).toBe('string');
          expect(issue.message.length).toBeGreaterThan(0);
        }
        expect(() => loadRunbook(text, 'fuzz.yaml')).toThrow(RunbookError);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});

describe('fuzzing slash-command text', () => {
  let runtime: LocalRuntime;
  let services: BotServices;
  beforeAll(async () => {
    runtime = await createLocalRuntime({
      inMemory: true,
      agent: false,
      runbooksDir: `${ROOT}test/fixtures/tiers`,
    });
    services = {
      engine: runtime.engine,
      store: runtime.store,
      runbooks: () => runtime.runbooks,
      directory: runtime.directory,
      clock: runtime.clock,
      // Nothing advances: a started run stays visible as started.
      driver: { kick: () => undefined },
      log: () => undefined,
    };
  });
  afterAll(async () => {
    await runtime?.close();
  });

  const words = fc.constantFrom(
    'drill',
    'failover',
    'failback',
    'plan',
    'status',
    'runs',
    'abort',
    'list',
    'help',
    'approve',
    'reject',
    'confirm',
    'app-tier',
    'db-tier',
    'last',
    'x=1',
    '=',
    '__proto__=1',
    'constructor=x',
    '"',
    "'",
    '`',
    '<@U123>',
    '\u0000',
    '\u202e',
    'a'.repeat(300),
  );
  const verbs = fc.constantFrom(
    'drill',
    'failover',
    'failback',
    'plan',
    'status',
    'abort',
    'help',
    'runs',
    'list',
  );
  const text = fc.oneof(
    fc.string({ maxLength: 200 }),
    {
      weight: 4,
      arbitrary: fc
        .tuple(verbs, fc.array(fc.oneof(words, words, fc.string({ maxLength: 12 })), { maxLength: 3 }))
        .map(([verb, rest]) => [verb, ...rest].join(' ')),
    },
    fc.string({ unit: 'grapheme', maxLength: 80 }),
    fc.array(fc.oneof(words, fc.string({ maxLength: 12 })), { maxLength: 8 }).map((w) => w.join(' ')),
  );

  it(`parses ${RUNS} random inputs into a command or a usage error, never a throw`, () => {
    fc.assert(
      fc.property(
        text,
        fc.constantFrom('slack', 'shell') as fc.Arbitrary<'slack' | 'shell'>,
        (input, surface) => {
          const parsed = parseCommand(input, surface);
          if (!parsed.ok) {
            expect(parsed.error.problem.length).toBeGreaterThan(0);
            expect(parsed.error.usage.length).toBeGreaterThan(0);
          }
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('executes them as an outsider: a reply every time, and a run only for a well-formed start', async () => {
    let started = 0;
    let executed = 0;
    await fc.assert(
      fc.asyncProperty(text, async (input) => {
        const parsed = parseCommand(input, 'slack');
        if (!parsed.ok) return;
        executed += 1;
        const before = (await runtime.store.listRuns({ limit: 1000 })).length;
        const outcome = await executeCommand(services, parsed.command, { user: 'mallory', surface: 'slack' });
        const after = (await runtime.store.listRuns({ limit: 1000 })).length;
        if (outcome.reply.kind === 'error') {
          const { message, explanation, action } = outcome.reply.error;
          expect([message, explanation, action].every((s) => typeof s === 'string' && s.length > 0)).toBe(
            true,
          );
        }
        if (outcome.reply.kind === 'started') {
          expect(parsed.command.kind).toBe('start');
          started += 1;
          expect(after).toBe(before + 1);
        } else {
          expect(after).toBe(before);
        }
      }),
      { seed: SEED, numRuns: RUNS },
    );
    expect(executed).toBeGreaterThan(RUNS / 10);
    // mallory may drill (access.drill is everyone) but never fail over: every run is a drill.
    const runs = await runtime.store.listRuns({ limit: 1000 });
    expect(runs).toHaveLength(started);
    expect(runs.every((r) => r.mode === 'drill')).toBe(true);
  });
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

describe('fuzzing block_actions payloads (signed HTTP into drbot serve)', () => {
  let h: Harness;
  let runId: string;
  beforeAll(async () => {
    h = await startHarness();
    const ack = await h.slash('failover app-tier', 'alice');
    runId = /run `([A-Za-z0-9]+)`/.exec(ack.text)?.[1] ?? '';
    await h.waitForRun(runId, (run) => run.steps['cutover-approval']?.status === 'waiting');
  });
  afterAll(async () => {
    await h?.close();
  });

  it(`answers ${RUNS} forged clicks by strangers without a 5xx, and changes nothing`, {
    timeout: 120_000,
  }, async () => {
    const value = fc.oneof(
      fc.string({ maxLength: 60 }),
      fc.constant(encodeActionValue({ runId: 'placeholder', stepKey: 'cutover-approval' })),
      fc
        .record({ r: fc.oneof(fc.string(), fc.integer(), fc.constant(null)), s: fc.anything() })
        .map((v) => JSON.stringify(v)),
    );
    // Known action ids reach drbot's handlers, where a bug would be. Payloads Bolt cannot route
    // (unknown ids or types) wait 3 s for an ack that never comes, so a few are checked below.
    const click = fc.record({
      actionId: fc.constantFrom(...Object.values(ACTION_IDS)),
      value,
      user: fc.string({ minLength: 1, maxLength: 12 }).map((u) => `X${u}`),
      // Fields a click from a modal or App Home lacks; user and team are always there (Bolt needs them).
      drop: fc.subarray(['container', 'channel', 'message', 'response_url', 'trigger_id']),
      raw: fc.option(
        fc.string({ maxLength: 200 }).filter((t) => !isJson(t)),
        { freq: 5 },
      ),
    });
    await fc.assert(
      fc.asyncProperty(click, async ({ actionId, value: v, user, drop, raw }) => {
        let body: string;
        if (raw !== null) {
          body = new URLSearchParams({ payload: raw }).toString();
        } else {
          const form = blockActionBody({
            actionId,
            value: v.replace('placeholder', runId),
            user,
            responseUrl: h.slack.responseUrl(`fuzz-${user}`),
          });
          const payload = JSON.parse(new URLSearchParams(form).get('payload') ?? '{}') as Record<
            string,
            unknown
          >;
          for (const key of drop) delete payload[key];
          body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
        }
        const res = await postSigned(h.url, body, { secret: SECRET });
        expect(res.status, res.text).toBeLessThan(500);
      }),
      { seed: SEED, numRuns: RUNS },
    );
    const unrouted = [
      new URLSearchParams({ payload: '{}' }).toString(),
      new URLSearchParams({ payload: JSON.stringify({ type: 'nope', user: { id: 'Xz' } }) }).toString(),
      blockActionBody({
        actionId: 'zzz',
        value: 'x',
        user: 'Xz',
        responseUrl: h.slack.responseUrl('fuzz-z'),
      }),
    ];
    for (const body of unrouted)
      expect((await postSigned(h.url, body, { secret: SECRET })).status).toBeLessThan(500);
    const run = await h.run(runId);
    expect(run.status).toBe('waiting');
    expect(run.steps['cutover-approval']?.status).toBe('waiting');
    const gate = await h.served.runtime.store.getGate(runId, 'cutover-approval');
    expect(gate?.approvals).toEqual([]);
    expect(await h.served.runtime.store.listRuns({ limit: 100 })).toHaveLength(1);
    const kinds = new Set((await h.served.runtime.store.listAudit(runId)).map((e) => e.kind));
    for (const kind of kinds) {
      expect([
        'run.started',
        'step.started',
        'step.succeeded',
        'approval.requested',
        'approval.refused',
      ]).toContain(kind);
    }
  });
});
