import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { startEmbeddedDynamo } from '../../../../bot/embedded/dynalite.js';
import { openLocalStore } from '../../../../bot/embedded/local-store.js';
import { MAX_ITEM_BYTES } from '../../../../engine/adapters/dynamodb/errors.js';
import { RUN_STEPS_ENCODING } from '../../../../engine/adapters/dynamodb/run-segments.js';
import { DynamoRunStore } from '../../../../engine/adapters/dynamodb/store.js';
import {
  cloudFormationTableProperties,
  createTableInput,
  RUN_STORE_TABLE,
} from '../../../../engine/adapters/dynamodb/table-definition.js';
import { RetryAfterError } from '../../../../engine/errors.js';
import { useDynalite } from '../../../helpers/dynalite.js';
import { describeRunStoreContract, makeEvent, makeRun } from '../run-store-contract.js';
import { describeRunDeltaContract } from '../run-store-delta-contract.js';

const dynalite = useDynalite();

describeRunStoreContract('DynamoDB (dynalite)', async () => dynalite.newStore());
describeRunDeltaContract('DynamoDB (dynalite)', async () => dynalite.newStore());

describe('DynamoRunStore', () => {
  it('creates the table with both run indexes on first use', async () => {
    const store = dynalite.newStore();
    await store.getRun('R1');
    const { tableName } = store;
    const { Table } = await dynalite.dynamo.client.send(new DescribeTableCommand({ TableName: tableName }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual([
      RUN_STORE_TABLE.allRunsIndex.name,
      RUN_STORE_TABLE.runbookRunsIndex.name,
    ]);
  });

  it('describes the same table to CloudFormation as it creates locally', () => {
    const { PointInTimeRecoverySpecification, ...cloudFormation } =
      cloudFormationTableProperties('drbot-prod');
    expect(cloudFormation).toEqual(createTableInput('drbot-prod'));
    expect(PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(cloudFormationTableProperties()).not.toHaveProperty('TableName');
  });

  it('explains a missing table when it is not allowed to create it', async () => {
    const store = new DynamoRunStore({ client: dynalite.dynamo.client, tableName: 'drbot-missing' });
    await expect(store.getRun('R1')).rejects.toMatchObject({
      code: 'STORE_TABLE_NOT_FOUND',
      action: expect.stringContaining('serverless.yml'),
    });
  });

  it('refuses a run whose compressed body exceeds a DynamoDB item before writing it', async () => {
    const store = dynalite.newStore();
    // Random bytes do not compress: ~530 KB of base64 stays above 400 KB.
    const huge = makeRun('R1', { params: { blob: randomBytes(400 * 1024).toString('base64') } });
    await expect(store.createRun(huge)).rejects.toMatchObject({ code: 'STORE_ITEM_TOO_LARGE' });
    expect(store.writes.total).toBe(0);
  });

  it('stores a run body compressed, so a run over 400 KB of JSON that compresses well fits', async () => {
    const store = dynalite.newStore();
    const big = makeRun('R1', { params: { notes: 'failover step done; '.repeat(30_000) } });
    expect(JSON.stringify(big).length).toBeGreaterThan(MAX_ITEM_BYTES);
    await store.createRun(big);
    expect(await store.getRun('R1')).toEqual(big);
    const { Item } = await dynalite.dynamo.client.send(
      new GetItemCommand({ TableName: store.tableName, Key: { PK: { S: 'RUN#R1' }, SK: { S: 'RUN' } } }),
    );
    expect(Item?.encoding).toEqual({ S: RUN_STEPS_ENCODING });
    expect(Item?.data?.B?.byteLength).toBeLessThan(20 * 1024);
    expect(JSON.parse(Item?.summary?.S ?? '{}')).toMatchObject({ id: 'R1', status: 'running' });
  });

  it('reads runs and audit events written before compression and audit pages', async () => {
    const store = dynalite.newStore();
    await store.ensureTable();
    const doc = DynamoDBDocumentClient.from(dynalite.dynamo.client);
    const put = (item: Record<string, unknown>) =>
      doc.send(new PutCommand({ TableName: store.tableName, Item: item }));
    const run = makeRun('R1', { version: 3, auditSeq: 2 });
    await put({ PK: 'RUN#R1', SK: 'RUN', version: 3, data: JSON.stringify(run) });
    for (const seq of [1, 2]) {
      await put({
        PK: 'RUN#R1',
        SK: `AUDIT#${String(seq).padStart(12, '0')}`,
        seq,
        event: JSON.stringify(makeEvent('R1', seq)),
      });
    }
    expect(await store.getRun('R1')).toEqual(run);
    await store.saveRun({ ...run, version: 4 }, 3);
    expect(await store.getRun('R1')).toEqual({ ...run, version: 4 });
    await store.appendAudit([makeEvent('R1', 3)]);
    expect((await store.listAudit('R1')).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect((await store.listAudit('R1', 1)).map((e) => e.seq)).toEqual([2, 3]);
  });

  it('costs one write per item: run create, save, each audit page touched, an approval below quorum', async () => {
    const store = dynalite.newStore();
    await store.createRun(makeRun('R1'));
    await store.saveRun(makeRun('R1', { version: 2 }), 1);
    await store.appendAudit([makeEvent('R1', 1), makeEvent('R1', 2)]);
    // Seqs 15–18 straddle the pages 1–16 and 17–32: two writes for four events.
    await store.appendAudit([15, 16, 17, 18].map((seq) => makeEvent('R1', seq)));
    await store.openGate({ runId: 'R1', stepKey: 's', gate: 'cutover', required: 2, approvals: [] });
    await store.recordApproval('R1', 's', 'U1', 1);
    expect(store.writes.byOperation()).toEqual({
      createRun: 1,
      saveRun: 1,
      appendAudit: 3,
      openGate: 1,
      recordApproval: 1,
    });
  });

  it('claims a page its append starts with one condition (the page does not exist), else seq by seq', async () => {
    const store = dynalite.newStore();
    const conditions: string[] = [];
    const { client } = dynalite.dynamo;
    const name = 'recordAuditConditions';
    client.middlewareStack.add(
      (next, context) => async (args) => {
        // The document client's input (plain key) or the marshalled one, whichever runs first.
        const input = args.input as {
          ConditionExpression?: string;
          Key?: { SK?: unknown };
          Item?: { SK?: unknown };
        };
        const sk = (input.Key ?? input.Item)?.SK;
        const sortKey = typeof sk === 'string' ? sk : (sk as { S?: string } | undefined)?.S;
        if (sortKey?.endsWith('#PAGE') && input.ConditionExpression) {
          conditions.push(`${context.commandName} ${input.ConditionExpression}`);
        }
        return next(args);
      },
      { step: 'initialize', name },
    );
    try {
      // 17–20 start the page 17–32: one clause instead of one per seq.
      await store.appendAudit([17, 18, 19, 20].map((seq) => makeEvent('R1', seq)));
      expect(conditions).toEqual(['PutItemCommand attribute_not_exists(PK)']);
      // 34 landed first (a later commit's append): the append of 33–35 finds its page and
      // claims each seq, so 34 stays the first writer's and 33, 35 are written.
      await store.appendAudit([makeEvent('R1', 34, 'first')]);
      conditions.length = 0;
      const err = await store.appendAudit([33, 34, 35].map((seq) => makeEvent('R1', seq))).catch((e) => e);
      expect(err).toMatchObject({ code: 'AUDIT_SEQ_CONFLICT' });
      // The page claim fails, then all three per seq (34 is taken), then the other two.
      expect(conditions).toEqual([
        'PutItemCommand attribute_not_exists(PK)',
        'UpdateItemCommand attribute_not_exists(#a0) AND attribute_not_exists(#a1) AND attribute_not_exists(#a2)',
        'UpdateItemCommand attribute_not_exists(#a0) AND attribute_not_exists(#a1)',
      ]);
      const trail = await store.listAudit('R1', 32);
      expect(trail.map((e) => [e.seq, e.message])).toEqual([
        [33, 'event 33'],
        [34, 'first'],
        [35, 'event 35'],
      ]);
    } finally {
      client.middlewareStack.remove(name);
    }
  });

  it('turns throttling that outlived the SDK retries into RetryAfterError', async () => {
    // A middleware answers for DynamoDB, so the call never leaves the process.
    const client = new DynamoDBClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
    });
    client.middlewareStack.add(
      () => async () => {
        throw Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), {
          name: 'ThrottlingException',
        });
      },
      { step: 'initialize', name: 'throttleEverything' },
    );
    const store = new DynamoRunStore({ client, tableName: 'drbot-throttled' });
    const err = await store.getRun('R1').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RetryAfterError);
    expect(err).toMatchObject({ code: 'STORE_THROTTLED', retryAfterMs: 1000 });
  });

  it('keeps runs on disk across embedded restarts and refuses a data dir already in use', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'drbot-dynamo-'));
    try {
      const first = await startEmbeddedDynamo({ dataDir });
      await new DynamoRunStore({ client: first.client, tableName: 'drbot', createTable: true }).createRun(
        makeRun('R1'),
      );
      await expect(startEmbeddedDynamo({ dataDir })).rejects.toMatchObject({
        code: 'EMBEDDED_DYNAMO_DATA_LOCKED',
      });
      await first.close();
      const second = await openLocalStore({ dataDir, tableName: 'drbot' });
      expect(await second.store.getRun('R1')).toEqual(makeRun('R1'));
      await second.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
