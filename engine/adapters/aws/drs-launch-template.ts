/**
 * The EC2 half of DRS launch settings: DRS launches each source server from its own EC2 launch
 * template, so drbot writes a new version (subnet, security groups, private IP only for CUTOVER
 * settings, instance type, profile, tags) and makes it the default.
 */
import {
  CreateLaunchTemplateVersionCommand,
  type EC2Client,
  ModifyLaunchTemplateCommand,
} from '@aws-sdk/client-ec2';
import type { LaunchSettings } from '../../cloud/replication.js';
import { awsCall } from './errors.js';

export async function applyLaunchTemplate(
  ec2: EC2Client,
  launchTemplateId: string,
  settings: LaunchSettings,
): Promise<void> {
  const tags = Object.entries(settings.tags).map(([Key, Value]) => ({ Key, Value }));
  const created = await awsCall('CreateLaunchTemplateVersion', () =>
    ec2.send(
      new CreateLaunchTemplateVersionCommand({
        LaunchTemplateId: launchTemplateId,
        SourceVersion: '$Latest',
        VersionDescription: `drbot launch settings for ${settings.sourceServerId}`,
        LaunchTemplateData: {
          InstanceType: settings.instanceType as never,
          ...(settings.instanceProfile ? { IamInstanceProfile: { Name: settings.instanceProfile } } : {}),
          NetworkInterfaces: [
            {
              DeviceIndex: 0,
              ...(settings.subnetId ? { SubnetId: settings.subnetId } : {}),
              ...(settings.securityGroups ? { Groups: settings.securityGroups } : {}),
              ...(settings.privateIp ? { PrivateIpAddress: settings.privateIp } : {}),
            },
          ],
          TagSpecifications: [
            { ResourceType: 'instance', Tags: tags },
            { ResourceType: 'volume', Tags: tags },
          ],
        },
      }),
    ),
  );
  const version = created.LaunchTemplateVersion?.VersionNumber;
  if (version === undefined) return;
  await awsCall('ModifyLaunchTemplate', () =>
    ec2.send(
      new ModifyLaunchTemplateCommand({
        LaunchTemplateId: launchTemplateId,
        DefaultVersion: String(version),
      }),
    ),
  );
}
