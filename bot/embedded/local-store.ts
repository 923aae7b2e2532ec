/**
 * The run store of local mode (`npm start`): the DynamoDB store over an embedded dynalite whose
 * data lives under `.drbot/dynamo`, so local runs survive restarts and use exactly the code that
 * runs against DynamoDB in AWS.
 */
import { join } from 'node:path';
import { DynamoRunStore } from '../../engine/adapters/dynamodb/store.js';
import { type EmbeddedDynamoOptions, startEmbeddedDynamo } from './dynalite.js';

export interface LocalStoreOptions extends EmbeddedDynamoOptions {
  /**
   * Table name inside the embedded database.
   * @default 'drbot'
   */
  tableName?: string;
}

export interface LocalStore {
  store: DynamoRunStore;
  /** The dynalite endpoint, e.g. for `aws dynamodb scan --endpoint-url …` while debugging. */
  endpoint: string;
  close(): Promise<void>;
}

/** The default data directory of local mode, relative to `cwd`. */
export function defaultDataDir(cwd: string = process.cwd()): string {
  return join(cwd, '.drbot', 'dynamo');
}

/** Starts dynalite, creates the table if needed and returns a ready store. */
export async function openLocalStore(options: LocalStoreOptions = {}): Promise<LocalStore> {
  const dynamo = await startEmbeddedDynamo(options);
  try {
    const store = new DynamoRunStore({
      client: dynamo.client,
      tableName: options.tableName ?? 'drbot',
      createTable: true,
    });
    await store.ensureTable();
    return { store, endpoint: dynamo.endpoint, close: dynamo.close };
  } catch (err) {
    await dynamo.close();
    throw err;
  }
}
