import { startEmbeddedDynamo } from '../bot/embedded/dynalite.js';
import { CreateTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
const d = await startEmbeddedDynamo();
await d.client.send(new CreateTableCommand({ TableName: 'ttt', BillingMode: 'PAY_PER_REQUEST',
  AttributeDefinitions: [{AttributeName:'PK',AttributeType:'S'},{AttributeName:'SK',AttributeType:'S'}],
  KeySchema: [{AttributeName:'PK',KeyType:'HASH'},{AttributeName:'SK',KeyType:'RANGE'}]}));
const doc = DynamoDBDocumentClient.from(d.client);
await doc.send(new PutCommand({ TableName: 'ttt', Item: { PK: 'a', SK: 'b', approvals: [] } }));
for (const u of ['x','y','x']) {
  try {
  const r = await doc.send(new UpdateCommand({ TableName: 'ttt', Key: {PK:'a',SK:'b'},
    UpdateExpression: 'SET approvals = list_append(approvals, :e) ADD approvers :us',
    ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(decision) AND NOT contains(approvers, :u)',
    ExpressionAttributeValues: { ':e': [{user: u, at: 1}], ':us': new Set([u]), ':u': u },
    ReturnValues: 'ALL_NEW', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }));
  console.log(JSON.stringify(r.Attributes, (k,v)=> v instanceof Set ? [...v] : v));
  } catch (e: any) { console.log(e.name, e.message, e.Item); }
}
// contains on list
await doc.send(new PutCommand({ TableName: 'ttt', Item: { PK: 'l', SK: 'b', L: ['x'] } }));
try { await doc.send(new UpdateCommand({ TableName: 'ttt', Key: {PK:'l',SK:'b'}, UpdateExpression: 'SET L = list_append(L, :l)', ConditionExpression: 'NOT contains(L, :u)', ExpressionAttributeValues: {':l':['x'],':u':'x'}})); console.log('list contains NOT enforced'); } catch (e:any) { console.log('list contains ok', e.name); }
await d.close();
console.log('closed');
