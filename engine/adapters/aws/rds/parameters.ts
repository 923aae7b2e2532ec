/**
 * The endpoint hand-off on AWS: SSM Parameter Store in the recovery region. PutParameter cannot
 * tag and overwrite in one call, so the tags follow in AddTagsToResource.
 */
import {
  AddTagsToResourceCommand,
  DeleteParametersCommand,
  GetParametersByPathCommand,
  PutParameterCommand,
  SSMClient,
} from '@aws-sdk/client-ssm';
import type { ParameterWrite } from '../../../cloud/database.js';
import { awsCall } from '../errors.js';
import type { ParameterStore } from './clients.js';

/** DeleteParameters takes at most 10 names a call. */
const DELETE_BATCH = 10;

async function putParameter(ssm: SSMClient, write: ParameterWrite): Promise<void> {
  await awsCall('PutParameter', () =>
    ssm.send(
      new PutParameterCommand({ Name: write.name, Value: write.value, Type: 'String', Overwrite: true }),
    ),
  );
  await awsCall('AddTagsToResource', () =>
    ssm.send(
      new AddTagsToResourceCommand({
        ResourceType: 'Parameter',
        ResourceId: write.name,
        Tags: Object.entries(write.tags).map(([Key, Value]) => ({ Key, Value })),
      }),
    ),
  );
}

async function deleteParametersByPath(ssm: SSMClient, path: string): Promise<string[]> {
  const names: string[] = [];
  let NextToken: string | undefined;
  do {
    const page = await awsCall('GetParametersByPath', () =>
      ssm.send(
        new GetParametersByPathCommand({ Path: path, Recursive: true, ...(NextToken ? { NextToken } : {}) }),
      ),
    );
    for (const p of page.Parameters ?? []) if (p.Name) names.push(p.Name);
    NextToken = page.NextToken;
  } while (NextToken);
  for (let i = 0; i < names.length; i += DELETE_BATCH) {
    const Names = names.slice(i, i + DELETE_BATCH);
    await awsCall('DeleteParameters', () => ssm.send(new DeleteParametersCommand({ Names })));
  }
  return names;
}

/** Parameter Store through one SSMClient per region. */
export class SsmParameterStore implements ParameterStore {
  private readonly clients = new Map<string, SSMClient>();

  /** @param factory @default `(region) => new SSMClient({ region })` */
  constructor(private readonly factory?: (region: string) => SSMClient) {}

  private ssm(region: string): SSMClient {
    let client = this.clients.get(region);
    if (!client) {
      client = this.factory ? this.factory(region) : new SSMClient({ region });
      this.clients.set(region, client);
    }
    return client;
  }

  putParameter(write: ParameterWrite): Promise<void> {
    return putParameter(this.ssm(write.region), write);
  }

  deleteParametersByPath(path: string, region: string): Promise<string[]> {
    return deleteParametersByPath(this.ssm(region), path);
  }
}
