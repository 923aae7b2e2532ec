'use strict';
/**
 * IAM statements for the cloud side of drbot (EC2, SSM Run Command, Route 53), scoped from the
 * runbooks: their regions, their protected instances' tags, their hosted zones. Used by iam.cjs
 * for the worker (executes steps) and protect (hourly recovery points) roles.
 */
const { ACCOUNT, PARTITION, ec2Arn, ec2Arns, inRegions, sub } = require('./iam-arns.cjs');

function ec2ReadStatements(regions) {
  return [
    {
      Sid: 'DescribeFleet',
      Effect: 'Allow',
      Action: [
        'ec2:DescribeInstances',
        'ec2:DescribeInstanceStatus',
        'ec2:DescribeVolumes',
        'ec2:DescribeSnapshots',
        'ec2:DescribeImages',
        'ec2:DescribeInstanceTypeOfferings',
        'ec2:DescribeSubnets',
        'ec2:DescribeSecurityGroups',
        'ec2:DescribeTags',
      ],
      Resource: '*',
      Condition: inRegions(regions),
    },
  ];
}

/** Recovery points: capture and copy anywhere in the runbook regions, delete only drbot's own. */
function recoveryPointStatements(regions) {
  return [
    {
      Sid: 'CaptureRecoveryPoints',
      Effect: 'Allow',
      Action: [
        'ec2:CreateSnapshot',
        'ec2:CreateSnapshots',
        'ec2:CopySnapshot',
        'ec2:CreateImage',
        'ec2:CopyImage',
      ],
      Resource: ec2Arns(regions, ['instance', 'volume', 'snapshot', 'image']),
    },
    {
      Sid: 'PruneOwnRecoveryPoints',
      Effect: 'Allow',
      Action: ['ec2:DeleteSnapshot', 'ec2:DeregisterImage'],
      Resource: ec2Arns(regions, ['snapshot', 'image']),
      Condition: { Null: { 'aws:ResourceTag/drbot:source-instance': 'false' } },
    },
    ...tagStatements(regions),
  ];
}

/** Tags: on create (any drbot create call), or afterwards only drbot's own `drbot:*` keys. */
function tagStatements(regions) {
  const taggable = ec2Arns(regions, ['instance', 'volume', 'snapshot', 'image', 'network-interface']);
  return [
    {
      Sid: 'TagOnCreate',
      Effect: 'Allow',
      Action: ['ec2:CreateTags'],
      Resource: taggable,
      Condition: {
        StringEquals: {
          'ec2:CreateAction': [
            'RunInstances',
            'CreateSnapshot',
            'CreateSnapshots',
            'CopySnapshot',
            'CreateImage',
            'CopyImage',
          ],
        },
      },
    },
    {
      Sid: 'TagOwnKeysOnly',
      Effect: 'Allow',
      Action: ['ec2:CreateTags', 'ec2:DeleteTags'],
      Resource: taggable,
      Condition: {
        'ForAllValues:StringLike': { 'aws:TagKeys': ['drbot:*'] },
        Null: { 'aws:TagKeys': 'false' },
      },
    },
  ];
}

/**
 * RunInstances touches several resource types. The new instance and its volumes must carry the
 * run's tag in the request; the inputs it reads (AMI, snapshot, subnet, security group, key pair)
 * cannot carry request tags, so they are scoped by type and region only.
 */
function launchStatements(regions) {
  return [
    {
      Sid: 'LaunchTaggedInstances',
      Effect: 'Allow',
      Action: ['ec2:RunInstances'],
      Resource: ec2Arns(regions, ['instance', 'volume']),
      Condition: { Null: { 'aws:RequestTag/drbot:run-id': 'false' } },
    },
    {
      Sid: 'LaunchFromInputs',
      Effect: 'Allow',
      Action: ['ec2:RunInstances'],
      Resource: ec2Arns(regions, [
        'image',
        'snapshot',
        'subnet',
        'security-group',
        'network-interface',
        'key-pair',
      ]),
    },
    {
      Sid: 'PassInstanceRolesToEc2',
      Effect: 'Allow',
      Action: ['iam:PassRole'],
      Resource: sub(`arn:${PARTITION}:iam::${ACCOUNT}:role/*`),
      Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
    },
  ];
}

/**
 * Stop/start: run-owned instances (drills, recovered fleets) and, for failback's optional stop of
 * the source, the runbooks' protected instances (their `protect.tags`, or listed ids).
 * Terminate: run-owned instances only — drbot never terminates anything it did not launch.
 */
function lifecycleStatements(runbooks, regions) {
  const statements = [
    {
      Sid: 'LifecycleOfRunOwned',
      Effect: 'Allow',
      Action: ['ec2:StopInstances', 'ec2:StartInstances', 'ec2:TerminateInstances'],
      Resource: ec2Arns(regions, ['instance']),
      Condition: { Null: { 'aws:ResourceTag/drbot:run-id': 'false' } },
    },
  ];
  for (const { name, spec } of runbooks) {
    const protect = spec.protect || {};
    const source = spec.source.region;
    const tags = protect.tags || {};
    if (Object.keys(tags).length > 0) {
      const equals = {};
      for (const [key, value] of Object.entries(tags)) equals[`aws:ResourceTag/${key}`] = String(value);
      statements.push({
        Sid: `StopStartProtected${pascal(name)}`,
        Effect: 'Allow',
        Action: ['ec2:StopInstances', 'ec2:StartInstances'],
        Resource: ec2Arn(source, 'instance'),
        Condition: { StringEquals: equals },
      });
    }
    if (Array.isArray(protect.instanceIds) && protect.instanceIds.length > 0) {
      statements.push({
        Sid: `StopStartListed${pascal(name)}`,
        Effect: 'Allow',
        Action: ['ec2:StopInstances', 'ec2:StartInstances'],
        Resource: protect.instanceIds.map((id) =>
          sub(`arn:${PARTITION}:ec2:${source}:${ACCOUNT}:instance/${id}`),
        ),
      });
    }
  }
  return statements;
}

/** Run Command: only drbot's own documents (Drbot*), on instances in the runbook regions. */
function runCommandStatements(regions) {
  return [
    {
      Sid: 'SendDrbotDocuments',
      Effect: 'Allow',
      Action: ['ssm:SendCommand'],
      Resource: [sub(`arn:${PARTITION}:ssm:*:${ACCOUNT}:document/Drbot*`), ...ec2Arns(regions, ['instance'])],
    },
    {
      // The provider installs/updates its documents before first use in a region (ensureDocuments).
      Sid: 'MaintainDrbotDocuments',
      Effect: 'Allow',
      Action: [
        'ssm:DescribeDocument',
        'ssm:GetDocument',
        'ssm:CreateDocument',
        'ssm:UpdateDocument',
        'ssm:UpdateDocumentDefaultVersion',
      ],
      Resource: sub(`arn:${PARTITION}:ssm:*:${ACCOUNT}:document/Drbot*`),
    },
    {
      // GetCommandInvocation / ListCommandInvocations support no resource-level permissions.
      Sid: 'ReadCommandResults',
      Effect: 'Allow',
      Action: ['ssm:GetCommandInvocation', 'ssm:ListCommandInvocations', 'ssm:ListCommands'],
      Resource: '*',
      Condition: inRegions(regions),
    },
    {
      Sid: 'CancelCommands',
      Effect: 'Allow',
      Action: ['ssm:CancelCommand'],
      Resource: ec2Arns(regions, ['instance']),
    },
  ];
}

/** DNS switch: only the hosted zones the runbooks name (`spec.dns.zone`, a zone id). */
function dnsStatements(runbooks) {
  const zones = [...new Set(runbooks.map((r) => r.spec.dns?.zone).filter(Boolean))];
  if (zones.length === 0) return [];
  return [
    {
      Sid: 'SwitchRunbookRecords',
      Effect: 'Allow',
      Action: ['route53:ChangeResourceRecordSets', 'route53:ListResourceRecordSets'],
      Resource: zones.map((zone) =>
        sub(`arn:${PARTITION}:route53:::hostedzone/${String(zone).replace(/^\/?hostedzone\//, '')}`),
      ),
    },
    {
      Sid: 'ReadDnsChanges',
      Effect: 'Allow',
      Action: ['route53:GetChange'],
      Resource: sub(`arn:${PARTITION}:route53:::change/*`),
    },
  ];
}

function pascal(name) {
  return name.replace(/(^|-)([a-z0-9])/g, (_, __, c) => c.toUpperCase());
}

module.exports = {
  dnsStatements,
  ec2ReadStatements,
  launchStatements,
  lifecycleStatements,
  recoveryPointStatements,
  runCommandStatements,
};
