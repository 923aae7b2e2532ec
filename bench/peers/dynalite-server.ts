/**
 * dynalite in a process of its own, for benches that measure the engine against a database that
 * does not share its event loop (as DynamoDB does not). Started by `startDynaliteProcess`: the
 * child listens on a free loopback port, reports its endpoint over IPC, and exits when its
 * parent disconnects.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EMBEDDED_REGION, startEmbeddedDynamo } from '../../bot/embedded/dynalite.js';

export interface DynaliteProcess {
  client: DynamoDBClient;
  close(): Promise<void>;
}

/** Forks this file as the server and answers a client bound to it. */
export async function startDynaliteProcess(): Promise<DynaliteProcess> {
  const child = fork(fileURLToPath(import.meta.url), ['--serve'], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { endpoint: string }).endpoint));
    child.once('error', reject);
    child.once('exit', (code) =>
      reject(new Error(`the dynalite process exited with ${code} before listening`)),
    );
  });
  const client = new DynamoDBClient({
    endpoint,
    region: EMBEDDED_REGION,
    credentials: { accessKeyId: 'drbot-local', secretAccessKey: 'drbot-local' },
  });
  return {
    client,
    close: async () => {
      client.destroy();
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.disconnect();
      await exited;
    },
  };
}

if (process.argv.includes('--serve')) {
  const dynamo = await startEmbeddedDynamo();
  // The embedded helper's own client is not used here: the parent brings its own.
  process.send?.({ endpoint: dynamo.endpoint });
  process.once('disconnect', () => {
    void dynamo.close().finally(() => process.exit(0));
  });
}
