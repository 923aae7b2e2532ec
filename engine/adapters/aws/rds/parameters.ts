/**
 * The endpoint hand-off on AWS: SSM Parameter Store in the recovery region. PutParameter cannot
 * tag and overwrite in one call, so the tags follow in AddTagsToResource.
 */
import {
  AddTagsToResourceCommand,
  DeleteParametersCommand,
  GetParametersByPathCommand,
  PutParameterCommand,
} from '@aws-sdk/client-ssm';
import type { ParameterWrite } from '../../../cloud/database.js';
import { awsCall } from '../errors.js';
import type { RdsClients } from './clients.js';

/** DeleteParameters takes at most 10 names a call. */
const DELETE_BATCH = 10;

export async function putParameter(clients: RdsClients, write: ParameterWrite): Promise<void> {
  const ssm = clients.ssm(write.region);
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

export async function deleteParametersByPath(
  clients: RdsClients,
  path: string,
  region: string,
): Promise<string[]> {
  const ssm = clients.ssm(region);
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
