/**
 * Facts for blueprints and the doctor: instance type offerings (DescribeInstanceTypeOfferings),
 * SSM registration (DescribeInstanceInformation) and SSM documents (DescribeDocument).
 */
import {
  DescribeInstanceTypeOfferingsCommand,
  type DescribeInstanceTypeOfferingsCommandInput,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import {
  DescribeDocumentCommand,
  DescribeInstanceInformationCommand,
  type DescribeInstanceInformationCommandInput,
  type SSMClient,
} from '@aws-sdk/client-ssm';
import { chunk } from '../batching.js';
import { awsErrorCode, mapAwsError } from '../errors.js';
import { allPages, filter } from './pages.js';

/** DescribeInstanceTypeOfferings accepts many values per filter; keep requests small. */
const TYPES_PER_CALL = 100;
/** DescribeInstanceInformation's InstanceIds filter takes at most 50 values. */
const SSM_IDS_PER_CALL = 50;

export async function offeredTypes(
  client: EC2Client,
  region: string,
  types: readonly string[],
): Promise<string[]> {
  const offered = new Set<string>();
  for (const batch of chunk([...new Set(types)], TYPES_PER_CALL)) {
    const offerings = await allPages(
      `EC2 DescribeInstanceTypeOfferings in ${region}`,
      (i: DescribeInstanceTypeOfferingsCommandInput) =>
        client.send(new DescribeInstanceTypeOfferingsCommand(i)),
      { LocationType: 'region', Filters: [filter('instance-type', ...batch)] },
      (o) => o.InstanceTypeOfferings,
    );
    for (const o of offerings) if (o.InstanceType) offered.add(o.InstanceType);
  }
  return types.filter((t) => offered.has(t));
}

export async function ssmManaged(
  client: SSMClient,
  region: string,
  ids: readonly string[],
): Promise<string[]> {
  const managed = new Set<string>();
  for (const batch of chunk([...new Set(ids)], SSM_IDS_PER_CALL)) {
    const infos = await allPages(
      `SSM DescribeInstanceInformation in ${region}`,
      (i: DescribeInstanceInformationCommandInput) => client.send(new DescribeInstanceInformationCommand(i)),
      { Filters: [{ Key: 'InstanceIds', Values: batch }] },
      (o) => o.InstanceInformationList,
    );
    for (const info of infos)
      if (info.InstanceId && info.PingStatus === 'Online') managed.add(info.InstanceId);
  }
  return ids.filter((id) => managed.has(id));
}

export async function existingDocuments(
  client: SSMClient,
  region: string,
  names: readonly string[],
): Promise<string[]> {
  const present: string[] = [];
  for (const name of names) {
    try {
      await client.send(new DescribeDocumentCommand({ Name: name }));
      present.push(name);
    } catch (err) {
      if (awsErrorCode(err) !== 'InvalidDocument')
        throw mapAwsError(err, `SSM DescribeDocument ${name} in ${region}`);
    }
  }
  return present;
}
