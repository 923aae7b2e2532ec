/**
 * A dynalite server for one test file: in memory, on a random loopback port, closed after the
 * file's tests. Each call to `newStore()` gets a fresh table, so tests never share state.
 */
import { afterAll, beforeAll } from 'vitest';
import { type EmbeddedDynamo, startEmbeddedDynamo } from '../../bot/embedded/dynalite.js';
import { DynamoRunStore } from '../../engine/adapters/dynamodb/store.js';

export interface DynaliteFixture {
  /** The running server; only valid inside tests (after `beforeAll`). */
  readonly dynamo: EmbeddedDynamo;
  /** A store on a new, empty table (created on first use). */
  newStore(): DynamoRunStore;
}

/** Registers beforeAll/afterAll hooks that start and stop one in-memory dynalite. */
export function useDynalite(): DynaliteFixture {
  let dynamo: EmbeddedDynamo | undefined;
  let tables = 0;
  beforeAll(async () => {
    dynamo = await startEmbeddedDynamo({ port: 0 });
  });
  afterAll(async () => {
    await dynamo?.close();
  });
  const fixture: DynaliteFixture = {
    get dynamo() {
      if (dynamo === undefined) throw new Error('dynalite is not started yet: use the fixture inside a test');
      return dynamo;
    },
    newStore() {
      tables += 1;
      return new DynamoRunStore({
        client: fixture.dynamo.client,
        tableName: `drbot-test-${tables}`,
        createTable: true,
      });
    },
  };
  return fixture;
}
