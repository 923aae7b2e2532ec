/**
 * Delta saves on DynamoDB (dynalite): the request a save sends (only the changed step
 * segments, the version and layout checked), the fallbacks to a whole write (an item in the
 * older layout, a delta over the expression limit, an item that would outgrow 400 KB), and what
 * a 1000-step run's item weighs in this layout.
 */
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress } from 'node:zlib';
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_ITEM_BYTES } from '../../../../engine/adapters/dynamodb/errors.js';
import { RUN_BODY_ENCODING } from '../../../../engine/adapters/dynamodb/run-codec.js';
import { RUN_STEPS_ENCODING, SEGMENT_STEPS } from '../../../../engine/adapters/dynamodb/run-segments.js';
import type { DynamoRunStore } from '../../../../engine/adapters/dynamodb/store.js';
import type { StepState } from '../../../../engine/run.js';
import { useDynalite } from '../../../helpers/dynalite.js';
import { makeWideRun, succeeded } from '../run-store-delta-contract.js';

const dynalite = useDynalite();

interface SentRequest {
  command: string;
  input: Record<string, unknown>;
}

const SPY = 'runDeltaRequestSpy';
let spied: DynamoRunStore | undefined;

/** Records every request the store's client sends (the store's document client shares its stack). */
function spyOn(): { store: DynamoRunStore; sent: SentRequest[] } {
  const store = dynalite.newStore();
  const sent: SentRequest[] = [];
  dynalite.dynamo.client.middlewareStack.add(
    (next, context) => async (args) => {
      sent.push({ command: String(context.commandName), input: args.input as Record<string, unknown> });
      return next(args);
    },
    { step: 'initialize', name: SPY },
  );
  spied = store;
  return { store, sent };
}

afterEach(() => {
  if (spied !== undefined) dynalite.dynamo.client.middlewareStack.remove(SPY);
  spied = undefined;
});

const writesOf = (sent: SentRequest[]) =>
  sent.filter((r) => ['PutItemCommand', 'UpdateItemCommand'].includes(r.command));

describe('DynamoRunStore delta saves', () => {
  it('sends one UpdateItem naming only the changed segments, checked on version and layout', async () => {
    const { store, sent } = spyOn();
    const first = makeWideRun('R1', 4 * SEGMENT_STEPS);
    await store.createRun(first);
    sent.length = 0;
    // Positions 40 and 41 are both in segment 1.
    await store.saveRun(succeeded(first, ['s40', 's41']), 1, { steps: new Set(['s40', 's41']) });
    const [write, ...more] = writesOf(sent);
    expect(more).toEqual([]);
    expect(write?.command).toBe('UpdateItemCommand');
    expect(write?.input.UpdateExpression).toBe(
      'SET #data = :data, #summary = :summary, #version = :version, #s1 = :s1',
    );
    expect(write?.input.ConditionExpression).toBe('#version = :expected AND #layout = :layout');
    expect(write?.input.ExpressionAttributeValues).toMatchObject({
      ':expected': 1,
      ':version': 2,
      ':layout': `${SEGMENT_STEPS}/${4 * SEGMENT_STEPS}`,
    });
    expect(Object.keys(write?.input.ExpressionAttributeNames as object)).not.toContain('#s0');
  });

  it('loads an item in the whole-body layout and rewrites it whole on its first delta save', async () => {
    const { store, sent } = spyOn();
    await store.ensureTable();
    const old = makeWideRun('R1', 50, { version: 3 });
    const data = await promisify(brotliCompress)(Buffer.from(JSON.stringify(old)));
    await DynamoDBDocumentClient.from(dynalite.dynamo.client).send(
      new PutCommand({
        TableName: store.tableName,
        Item: { PK: 'RUN#R1', SK: 'RUN', version: 3, data, encoding: RUN_BODY_ENCODING },
      }),
    );
    expect(await store.getRun('R1')).toEqual(old);
    sent.length = 0;
    const next = succeeded(old, ['s7']);
    await store.saveRun(next, 3, { steps: new Set(['s7']) });
    // The delta's layout check fails on the right version, so the save is written whole.
    expect(writesOf(sent).map((r) => r.command)).toEqual(['UpdateItemCommand', 'PutItemCommand']);
    expect(await store.getRun('R1')).toEqual(next);
    const { Item } = await dynalite.dynamo.client.send(
      new GetItemCommand({ TableName: store.tableName, Key: { PK: { S: 'RUN#R1' }, SK: { S: 'RUN' } } }),
    );
    expect(Item?.encoding).toEqual({ S: RUN_STEPS_ENCODING });
    const after = succeeded(next, ['s49']);
    sent.length = 0;
    await store.saveRun(after, 4, { steps: new Set(['s49']) });
    expect(writesOf(sent).map((r) => r.command)).toEqual(['UpdateItemCommand']);
    expect(await store.getRun('R1')).toEqual(after);
  });

  it('writes whole when the delta would name more segments than an expression may hold', async () => {
    const { store, sent } = spyOn();
    const count = 300 * SEGMENT_STEPS;
    const first = makeWideRun('R1', count);
    await store.createRun(first);
    sent.length = 0;
    const all = Object.keys(first.steps);
    const next = succeeded(first, all);
    await store.saveRun(next, 1, { steps: new Set(all) });
    expect(writesOf(sent).map((r) => r.command)).toEqual(['PutItemCommand']);
    expect(await store.getRun('R1')).toEqual(next);
  });

  it('refuses a delta that would outgrow an item as a whole write would, leaving the run stored', async () => {
    const { store } = spyOn();
    const first = makeWideRun('R1', 2 * SEGMENT_STEPS);
    // Random bytes do not compress: each output is ~230 KB compressed, one fits and two do not.
    (first.steps.s0 as StepState).outputs = { blob: randomBytes(230 * 1024).toString('base64') };
    await store.createRun(first);
    const next = succeeded(first, [`s${SEGMENT_STEPS}`]);
    (next.steps[`s${SEGMENT_STEPS}`] as StepState).outputs = {
      blob: randomBytes(230 * 1024).toString('base64'),
    };
    await expect(store.saveRun(next, 1, { steps: new Set([`s${SEGMENT_STEPS}`]) })).rejects.toMatchObject({
      code: 'STORE_ITEM_TOO_LARGE',
      action: expect.stringContaining('step outputs'),
    });
    expect(await store.getRun('R1')).toEqual(first);
  });

  it('keeps a 1000-step run well inside one item', async () => {
    const store = dynalite.newStore();
    const run = succeeded(makeWideRun('R1', 1000), Object.keys(makeWideRun('R1', 1000).steps));
    await store.createRun(run);
    const { Item } = await dynalite.dynamo.client.send(
      new GetItemCommand({ TableName: store.tableName, Key: { PK: { S: 'RUN#R1' }, SK: { S: 'RUN' } } }),
    );
    const bytes = Object.entries(Item ?? {}).reduce(
      (sum, [name, value]) => sum + name.length + (value.B?.byteLength ?? value.S?.length ?? 8),
      0,
    );
    expect(bytes).toBeLessThan(MAX_ITEM_BYTES / 10);
    expect(await store.getRun('R1')).toEqual(run);
  });
});
