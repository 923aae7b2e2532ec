/**
 * An embedded DynamoDB (dynalite) for local mode and tests: the same DynamoRunStore code runs
 * against it as against AWS. It listens on loopback only and the client it returns carries
 * dummy credentials and a region, so the SDK never looks for real AWS credentials.
 */
import { mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { DrbotError } from '../../engine/errors.js';

export interface EmbeddedDynamoOptions {
  /**
   * Directory of the LevelDB files (e.g. `.drbot/dynamo`), created when missing; data survives
   * restarts. Only one process may open a directory at a time (LevelDB's lock).
   * @default undefined (in memory, gone when closed)
   */
  dataDir?: string;
  /**
   * Loopback port to listen on; 0 picks a free one.
   * @default 0
   */
  port?: number;
}

export interface EmbeddedDynamo {
  /** `http://127.0.0.1:<port>`, usable as `AWS_ENDPOINT_URL_DYNAMODB`. */
  endpoint: string;
  /** A client bound to the endpoint with dummy credentials. */
  client: DynamoDBClient;
  /** Destroys the client, stops the server and closes the database. */
  close(): Promise<void>;
}

/** The region the embedded client signs for; dynalite accepts any. */
export const EMBEDDED_REGION = 'us-east-1';

export async function startEmbeddedDynamo(options: EmbeddedDynamoOptions = {}): Promise<EmbeddedDynamo> {
  if (options.dataDir !== undefined) await assertDataDirUsable(options.dataDir);
  // Tables become ACTIVE at once: nothing is provisioned, so waiting would only slow start-up.
  const server = dynalite({
    path: options.dataDir,
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (err: Error) => reject(embeddedStartError(options, err));
    server.once('error', onError);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', onError);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: EMBEDDED_REGION,
    credentials: { accessKeyId: 'drbot-local', secretAccessKey: 'drbot-local' },
  });

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= (async () => {
      // Destroying the client ends its keep-alive sockets, so the server can close at once.
      client.destroy();
      server.closeIdleConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    })();
    return closing;
  };
  return { endpoint, client, close };
}

interface LevelDatabase {
  open(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens and closes the LevelDB directory once before dynalite does. dynalite opens it lazily and
 * throws an uncaught error on its first request when the directory is locked by another process,
 * which would crash drbot; probing first turns that into an error that says what to do.
 */
async function assertDataDirUsable(dataDir: string): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  // dynalite's own `level` dependency, so the probe uses the very same LevelDB binding.
  const fromDynalite = createRequire(createRequire(import.meta.url).resolve('dynalite'));
  const { Level } = fromDynalite('level') as { Level: new (location: string) => LevelDatabase };
  const db = new Level(dataDir);
  try {
    await db.open();
  } catch (err) {
    throw new DrbotError(`The data directory ${dataDir} is in use by another drbot process.`, {
      code: 'EMBEDDED_DYNAMO_DATA_LOCKED',
      explanation:
        'The embedded DynamoDB (LevelDB) lets one process at a time open its directory; an open `drbot shell` or `drbot serve` (or one that crashed and is still running) holds the lock.',
      action:
        'Type the command in the open `drbot shell` instead (it offers protect, network replicate, blueprint, status, timeline, runs and plan), or quit that shell (/quit) and run this again, or give this command its own store with `--data-dir /tmp/drbot-other`.',
      cause: err,
    });
  }
  await db.close();
}

function embeddedStartError(options: EmbeddedDynamoOptions, cause: Error): DrbotError {
  const inUse = (cause as NodeJS.ErrnoException).code === 'EADDRINUSE';
  return new DrbotError(`The embedded DynamoDB could not start: ${cause.message}`, {
    code: 'EMBEDDED_DYNAMO_START_FAILED',
    explanation: inUse
      ? `Port ${options.port} on 127.0.0.1 is already taken, maybe by another drbot.`
      : 'dynalite failed to listen on the loopback interface or to open its data directory.',
    action: inUse
      ? 'Stop the other process or choose another port (0 picks a free one).'
      : `Check that ${options.dataDir ?? 'the process'} is writable and not used by another drbot process.`,
    cause,
  });
}
