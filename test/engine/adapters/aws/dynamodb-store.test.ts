import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { startEmbeddedDynamo } from '../../../../bot/embedded/dynalite.js';
import { openLocalStore } from '../../../../bot/embedded/local-store.js';
import { DynamoRunStore } from '../../../../engine/adapters/aws/dynamodb-store.js';
import {
  cloudFormationTableProperties,
  createTableInput,
  RUN_STORE_TABLE,
} from '../../../../engine/adapters/aws/table-definition.js';
import { RetryAfterError } from '../../../../engine/errors.js';
import { useDynalite } from '../../../helpers/dynalite.js';
import { describeRunStoreContract, makeEvent, makeRun } from '../run-store-contract.js';

const dynalite = useDynalite();

describeRunStoreContract('DynamoDB (dynalite)', async () => dynalite.newStore());

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

  it('refuses a run larger than a DynamoDB item before writing it', async () => {
    const store = dynalite.newStore();
    const huge = makeRun('R1', { params: { blob: 'x'.repeat(400 * 1024) } });
    await expect(store.createRun(huge)).rejects.toMatchObject({ code: 'STORE_ITEM_TOO_LARGE' });
    expect(store.writes.total).toBe(0);
  });

  it('costs one write per item: run create, save, each audit event, an approval below quorum', async () => {
    const store = dynalite.newStore();
    await store.createRun(makeRun('R1'));
    await store.saveRun(makeRun('R1', { version: 2 }), 1);
    await store.appendAudit([makeEvent('R1', 1), makeEvent('R1', 2)]);
    await store.openGate({ runId: 'R1', stepKey: 's', gate: 'cutover', required: 2, approvals: [] });
    await store.recordApproval('R1', 's', 'U1', 1);
    expect(store.writes.byOperation()).toEqual({
      createRun: 1,
      saveRun: 1,
      appendAudit: 2,
      openGate: 1,
      recordApproval: 1,
    });
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
