import { startEmbeddedDynamo } from '../bot/embedded/dynalite.js';
import { DynamoRunStore } from '../engine/adapters/aws/dynamodb-store.js';
const dir = '/tmp/dx/dyn-' + process.pid;
let d = await startEmbeddedDynamo({ dataDir: dir });
let store = new DynamoRunStore({ client: d.client, tableName: 'drbot', createTable: true });
await store.putDoc('k', 'a', { hello: 1 });
try {
  const d2 = await startEmbeddedDynamo({ dataDir: dir });
  const s2 = new DynamoRunStore({ client: d2.client, tableName: 'drbot', createTable: true });
  console.log('second open', await s2.getDoc('k', 'a').catch((e) => 'ERR ' + e.name + ' ' + e.message));
  await d2.close().catch((e) => console.log('close2', e.message));
} catch (e: any) { console.log('second start failed', e.message); }
await d.close();
d = await startEmbeddedDynamo({ dataDir: dir });
store = new DynamoRunStore({ client: d.client, tableName: 'drbot', createTable: true });
console.log('after restart', await store.getDoc('k', 'a'));
await d.close();
console.log('done');
