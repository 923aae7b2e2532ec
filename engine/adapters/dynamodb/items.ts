/**
 * The few DynamoDB item operations the run store needs, over the DocumentClient: conditional
 * writes answer `false`/`undefined` when the condition fails (the store decides what that means),
 * every other failure is mapped to a drbot error, and every write is counted for benches.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  UpdateCommand,
  type UpdateCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { StoreWriteOperation, WriteCounter } from '../memory/write-counter.js';
import { isConditionalCheckFailed, mapDynamoError } from './errors.js';
import type { ItemKey } from './keys.js';

export type Item = Record<string, unknown>;

/** A condition with its placeholders; names are `#x` placeholders, values `:x`. */
export interface Condition {
  expression: string;
  names?: Record<string, string>;
  values?: Record<string, unknown>;
}

export class DynamoItems {
  private readonly doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    readonly tableName: string,
    private readonly writes: WriteCounter,
    /** Resolves once the table can be used (created on first use when asked to). */
    private readonly ready: () => Promise<void>,
  ) {
    this.doc = DynamoDBDocumentClient.from(client, {
      marshallOptions: { removeUndefinedValues: true },
    });
  }

  /** Strongly consistent read: right after a conditional write fails, we must see the winner. */
  async get(key: ItemKey): Promise<Item | undefined> {
    const out = await this.call('GetItem', () =>
      this.doc.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true })),
    );
    return out.Item;
  }

  /** Puts the item; `false` when the condition failed. */
  async put(operation: StoreWriteOperation, item: Item, condition?: Condition): Promise<boolean> {
    this.writes.add(operation);
    return this.conditional('PutItem', () =>
      this.doc.send(new PutCommand({ TableName: this.tableName, Item: item, ...conditionInput(condition) })),
    ).then((out) => out !== undefined);
  }

  /**
   * Updates and returns the new item (`{}` with `ReturnValues: 'NONE'`, which saves sending the
   * item back); `undefined` when the condition failed.
   */
  async update(
    operation: StoreWriteOperation,
    key: ItemKey,
    update: Pick<UpdateCommandInput, 'UpdateExpression' | 'ReturnValues'>,
    condition: Condition,
  ): Promise<Item | undefined> {
    this.writes.add(operation);
    const out = await this.conditional('UpdateItem', () =>
      this.doc.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: key,
          UpdateExpression: update.UpdateExpression,
          ReturnValues: update.ReturnValues ?? 'ALL_NEW',
          ...conditionInput(condition),
        }),
      ),
    );
    return out === undefined ? undefined : (out.Attributes ?? {});
  }

  /** Deletes the item; `false` when the condition failed. */
  async delete(operation: StoreWriteOperation, key: ItemKey, condition?: Condition): Promise<boolean> {
    this.writes.add(operation);
    return this.conditional('DeleteItem', () =>
      this.doc.send(new DeleteCommand({ TableName: this.tableName, Key: key, ...conditionInput(condition) })),
    ).then((out) => out !== undefined);
  }

  /** Follows pages until there are no more or `enough(items)` says stop. */
  async query(
    input: Omit<QueryCommandInput, 'TableName'>,
    enough?: (items: Item[]) => boolean,
  ): Promise<Item[]> {
    const items: Item[] = [];
    let start: QueryCommandInput['ExclusiveStartKey'];
    do {
      const out = await this.call('Query', () =>
        this.doc.send(new QueryCommand({ ...input, TableName: this.tableName, ExclusiveStartKey: start })),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start !== undefined && !enough?.(items));
    return items;
  }

  private async conditional<T>(operation: string, send: () => Promise<T>): Promise<T | undefined> {
    try {
      return await this.call(operation, send);
    } catch (err) {
      if (isConditionalCheckFailed(err)) return undefined;
      throw err;
    }
  }

  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    await this.ready();
    try {
      return await send();
    } catch (err) {
      throw mapDynamoError(err, this.tableName, operation);
    }
  }
}

function conditionInput(condition: Condition | undefined) {
  if (condition === undefined) return {};
  return {
    ConditionExpression: condition.expression,
    ...(condition.names ? { ExpressionAttributeNames: condition.names } : {}),
    ...(condition.values ? { ExpressionAttributeValues: condition.values } : {}),
  };
}
