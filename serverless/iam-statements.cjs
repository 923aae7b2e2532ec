'use strict';
/**
 * How each named policy statement is scoped. An action module declares which statement its IAM
 * actions belong to (`permissions.aws`); the statement decides the resources and conditions:
 * reads pinned to the runbooks' regions, creates carrying drbot's tags in the request, changes
 * and deletes only on resources that carry drbot's tags. A name not here fails packaging.
 */
const { ACCOUNT, PARTITION, ec2Arn, ec2Arns, inRegions, sub } = require('./iam-arns.cjs');
const { regionsOf } = require('./runbooks.cjs');

const SOURCE_TAG = 'drbot:source-id';
const NETWORK_TYPES = [
  'vpc',
  'subnet',
  'internet-gateway',
  'egress-only-internet-gateway',
  'natgateway',
  'elastic-ip',
  'route-table',
  'network-acl',
  'security-group',
  'security-group-rule',
  'vpc-endpoint',
  'dhcp-options',
];
const DRILL_VPC_TAG = 'drbot:drill-vpc';
// vpc-endpoint: the SSM interface endpoints of the drill VPC (engine/adapters/aws/network/drill-endpoints.ts)
const DRILL_VPC_TYPES = ['vpc', 'subnet', 'security-group', 'vpc-endpoint'];
const TAGGABLE = ['instance', 'volume', 'snapshot', 'image', 'network-interface'];
const ownKeysOnly = {
  'ForAllValues:StringLike': { 'aws:TagKeys': ['drbot:*'] },
  Null: { 'aws:TagKeys': 'false' },
};
const drbotDocuments = sub(`arn:${PARTITION}:ssm:*:${ACCOUNT}:document/Drbot*`);
/** network.replicate builds in the recovery region: the runbooks' targets. */
const targetRegions = (runbooks) => [...new Set(runbooks.map((r) => r.spec.target.region))].sort();
const allow = (Sid, Action, Resource, Condition) => ({
  Sid,
  Effect: 'Allow',
  Action,
  Resource,
  ...(Condition ? { Condition } : {}),
});

/** statement name → ({ actions, runbooks, regions }) => statement(s) */
const STATEMENTS = {
  // Describe/List calls support no resource-level permissions: pinned to the regions instead
  DescribeFleet: ({ actions, regions }) => allow('DescribeFleet', actions, '*', inRegions(regions)),
  CaptureRecoveryPoints: ({ actions, regions }) =>
    allow('CaptureRecoveryPoints', actions, ec2Arns(regions, ['instance', 'volume', 'snapshot', 'image'])),
  PruneOwnRecoveryPoints: ({ actions, regions }) =>
    allow('PruneOwnRecoveryPoints', actions, ec2Arns(regions, ['snapshot', 'image']), {
      Null: { 'aws:ResourceTag/drbot:source-instance': 'false' },
    }),
  TagOnCreate: ({ actions, regions }) =>
    allow('TagOnCreate', actions, ec2Arns(regions, TAGGABLE), {
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
    }),
  TagOwnKeysOnly: ({ actions, regions }) =>
    allow('TagOwnKeysOnly', actions, ec2Arns(regions, TAGGABLE), ownKeysOnly),
  // The new instance and its volumes must carry the run's tag in the request
  LaunchTaggedInstances: ({ actions, regions }) =>
    allow('LaunchTaggedInstances', actions, ec2Arns(regions, ['instance', 'volume']), {
      Null: { 'aws:RequestTag/drbot:run-id': 'false' },
    }),
  // The inputs RunInstances reads cannot carry request tags: scoped by type and region only
  LaunchFromInputs: ({ actions, regions }) =>
    allow(
      'LaunchFromInputs',
      actions,
      ec2Arns(regions, ['image', 'snapshot', 'subnet', 'security-group', 'network-interface', 'key-pair']),
    ),
  PassInstanceRolesToEc2: ({ actions }) =>
    allow('PassInstanceRolesToEc2', actions, sub(`arn:${PARTITION}:iam::${ACCOUNT}:role/*`), {
      StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' },
    }),
  // drbot never terminates, stops or starts by these grants anything it did not launch
  LifecycleOfRunOwned: ({ actions, regions }) =>
    allow('LifecycleOfRunOwned', actions, ec2Arns(regions, ['instance']), {
      Null: { 'aws:ResourceTag/drbot:run-id': 'false' },
    }),
  // failback's optional stop of the source: the runbooks' protected instances (tags or listed ids)
  StopStartProtected: ({ actions, runbooks }) => runbooks.flatMap((r) => protectedLifecycle(r, actions)),
  SendDrbotDocuments: ({ actions, regions }) =>
    allow('SendDrbotDocuments', actions, [drbotDocuments, ...ec2Arns(regions, ['instance'])]),
  // The provider installs/updates its documents before first use in a region (ensureDocuments)
  MaintainDrbotDocuments: ({ actions }) => allow('MaintainDrbotDocuments', actions, drbotDocuments),
  // GetCommandInvocation / ListCommandInvocations support no resource-level permissions
  ReadCommandResults: ({ actions, regions }) => allow('ReadCommandResults', actions, '*', inRegions(regions)),
  CancelCommands: ({ actions, regions }) => allow('CancelCommands', actions, ec2Arns(regions, ['instance'])),
  // Only the hosted zones the runbooks name (`spec.dns.zone`, a zone id)
  SwitchRunbookRecords: ({ actions, runbooks }) => {
    const zones = [...new Set(runbooks.map((r) => r.spec.dns?.zone).filter(Boolean))];
    if (zones.length === 0) return [];
    const arns = zones.map((z) =>
      sub(`arn:${PARTITION}:route53:::hostedzone/${String(z).replace(/^\/?hostedzone\//, '')}`),
    );
    return allow('SwitchRunbookRecords', actions, arns);
  },
  ReadDnsChanges: ({ actions }) =>
    allow('ReadDnsChanges', actions, sub(`arn:${PARTITION}:route53:::change/*`)),
  // New network resources must carry drbot:source-id in the creating request
  CreateTaggedNetwork: ({ actions, runbooks }) =>
    allow('CreateTaggedNetwork', actions, ec2Arns(targetRegions(runbooks), NETWORK_TYPES), {
      Null: { [`aws:RequestTag/${SOURCE_TAG}`]: 'false' },
    }),
  // Creating inside a VPC also authorises against the parent VPC: only VPCs drbot created
  CreateInsideOwnVpc: ({ actions, runbooks }) =>
    allow('CreateInsideOwnVpc', actions, ec2Arns(targetRegions(runbooks), ['vpc', 'subnet']), {
      Null: { [`aws:ResourceTag/${SOURCE_TAG}`]: 'false' },
    }),
  ChangeOwnNetwork: ({ actions, runbooks }) =>
    allow('ChangeOwnNetwork', actions, ec2Arns(targetRegions(runbooks), NETWORK_TYPES), {
      Null: { [`aws:ResourceTag/${SOURCE_TAG}`]: 'false' },
    }),
  // A new VPC's default route table, ACL and group exist untagged: drbot adopts them with its own keys
  TagNetworkOwnKeysOnly: ({ actions, runbooks }) =>
    allow('TagNetworkOwnKeysOnly', actions, ec2Arns(targetRegions(runbooks), NETWORK_TYPES), ownKeysOnly),
  DescribeNetwork: ({ actions, runbooks }) =>
    allow('DescribeNetwork', actions, '*', inRegions(targetRegions(runbooks))),
  // ---- the per-run drill VPC (network.drillVpc, network.deleteDrillVpc) ----
  // Its VPC, subnets and group must carry the run's tags in the creating request
  CreateDrillVpc: ({ actions, runbooks }) =>
    allow('CreateDrillVpc', actions, ec2Arns(targetRegions(runbooks), DRILL_VPC_TYPES), {
      Null: { 'aws:RequestTag/drbot:run-id': 'false', [`aws:RequestTag/${DRILL_VPC_TAG}`]: 'false' },
    }),
  // Subnets, groups and endpoints are created inside a VPC a drill created (the parent VPC, and an
  // endpoint's subnets and group, are authorised too: all carry the drill-VPC tag)
  CreateInsideDrillVpc: ({ actions, runbooks }) =>
    allow(
      'CreateInsideDrillVpc',
      actions,
      ec2Arns(targetRegions(runbooks), ['vpc', 'subnet', 'security-group']),
      {
        Null: { [`aws:ResourceTag/${DRILL_VPC_TAG}`]: 'false' },
      },
    ),
  // Rules of the run's own drill group, and the DNS attributes of its VPC (for the SSM endpoints)
  ChangeDrillVpc: ({ actions, runbooks }) =>
    allow(
      'ChangeDrillVpc',
      actions,
      ec2Arns(targetRegions(runbooks), ['vpc', 'security-group', 'security-group-rule']),
      {
        Null: { [`aws:ResourceTag/${DRILL_VPC_TAG}`]: 'false' },
      },
    ),
  TagDrillVpcOnCreate: ({ actions, runbooks }) =>
    allow(
      'TagDrillVpcOnCreate',
      actions,
      ec2Arns(targetRegions(runbooks), [...DRILL_VPC_TYPES, 'security-group-rule']),
      {
        StringEquals: {
          'ec2:CreateAction': [
            'CreateVpc',
            'CreateSubnet',
            'CreateSecurityGroup',
            'CreateVpcEndpoint',
            'AuthorizeSecurityGroupEgress',
            'AuthorizeSecurityGroupIngress',
          ],
        },
      },
    ),
  // Cleanup deletes only what a drill tagged as its own VPC: never the replica or anything else
  DeleteDrillVpc: ({ actions, runbooks }) =>
    allow('DeleteDrillVpc', actions, ec2Arns(targetRegions(runbooks), DRILL_VPC_TYPES), {
      Null: { [`aws:ResourceTag/${DRILL_VPC_TAG}`]: 'false', 'aws:ResourceTag/drbot:run-id': 'false' },
    }),
  // ---- the data tier (rds.*, aurora.*, s3.replicationCheck, ssm.putParameter) ----
  // RDS Describe* calls take no resource-level permissions worth pinning: the runbooks' regions
  DescribeDatabases: ({ actions, regions }) => allow('DescribeDatabases', actions, '*', inRegions(regions)),
  // Snapshots of the protected databases, copies carrying drbot's tags
  SnapshotDatabases: ({ actions, regions }) =>
    allow(
      'SnapshotDatabases',
      actions,
      rdsArns(regions, ['db', 'cluster', 'snapshot', 'cluster-snapshot', 'og']),
    ),
  DeleteOwnDbSnapshots: ({ actions, regions }) =>
    allow('DeleteOwnDbSnapshots', actions, rdsArns(regions, ['snapshot', 'cluster-snapshot']), {
      StringEquals: { 'aws:ResourceTag/drbot:managed': 'true' },
    }),
  // Re-encrypting copies and restoring encrypted snapshots with the recovery region's key
  UseRecoveryKmsKey: ({ actions, regions }) =>
    allow('UseRecoveryKmsKey', actions, sub(`arn:${PARTITION}:kms:*:${ACCOUNT}:key/*`), {
      StringEquals: { 'kms:ViaService': regions.map((r) => `rds.${r}.amazonaws.com`) },
    }),
  // A restore must tag the new database with the run id in the request
  RestoreDatabases: ({ actions, runbooks }) => [
    allow('RestoreTaggedDatabases', actions, rdsArns(targetRegions(runbooks), ['db', 'cluster']), {
      Null: { 'aws:RequestTag/drbot:run-id': 'false' },
    }),
    allow(
      'RestoreFromInputs',
      actions,
      rdsArns(targetRegions(runbooks), ['snapshot', 'cluster-snapshot', 'subgrp', 'pg', 'cluster-pg', 'og']),
    ),
  ],
  // rds.restore creates a missing DB subnet group in the recovery region, tagged as drbot's on create
  CreateDbSubnetGroups: ({ actions, runbooks }) =>
    allow('CreateDbSubnetGroups', actions, rdsArns(targetRegions(runbooks), ['subgrp']), {
      StringEquals: { 'aws:RequestTag/drbot:managed': 'true' },
    }),
  // Deletes only what a run restored: resources tagged drbot:run-id
  DeleteRunOwnedDatabases: ({ actions, regions }) =>
    allow('DeleteRunOwnedDatabases', actions, rdsArns(regions, ['db', 'cluster']), {
      Null: { 'aws:ResourceTag/drbot:run-id': 'false' },
    }),
  // Promotion and global failover act on the standby: the recovery regions' databases only
  PromoteStandbyDatabases: ({ actions, runbooks }) =>
    allow('PromoteStandbyDatabases', actions, [
      ...rdsArns(targetRegions(runbooks), ['db', 'cluster']),
      sub(`arn:${PARTITION}:rds::${ACCOUNT}:global-cluster:*`),
    ]),
  ReadReplicaLag: ({ actions, regions }) => allow('ReadReplicaLag', actions, '*', inRegions(regions)),
  ReadBuckets: ({ actions }) =>
    allow('ReadBuckets', actions, [
      sub(`arn:${PARTITION}:s3:::*`),
      sub(`arn:${PARTITION}:s3:::*/drbot-markers/*`),
    ]),
  // Marker objects only: drbot never writes or deletes an application object
  WriteReplicationMarkers: ({ actions }) =>
    allow('WriteReplicationMarkers', actions, sub(`arn:${PARTITION}:s3:::*/drbot-markers/*`)),
  WriteDrbotParameters: ({ actions, runbooks }) =>
    allow(
      'WriteDrbotParameters',
      actions,
      targetRegions(runbooks).map((r) => sub(`arn:${PARTITION}:ssm:${r}:${ACCOUNT}:parameter/*`)),
    ),
  // Cleanup deletes only the runs' own parameter path
  DeleteRunParameters: ({ actions, runbooks }) =>
    allow(
      'DeleteRunParameters',
      actions,
      targetRegions(runbooks).map((r) => sub(`arn:${PARTITION}:ssm:${r}:${ACCOUNT}:parameter/drbot/runs/*`)),
    ),
  // ---- Elastic Disaster Recovery (drs.*, recovery.latestPoint with method: drs) ----
  // DRS Describe* calls take no resource-level permissions: the runbooks' regions
  DescribeReplication: ({ actions, regions }) =>
    allow('DescribeReplication', actions, '*', inRegions(regions)),
  // Launch settings of the source servers DRS keeps in the runbooks' regions
  ConfigureDrsLaunch: ({ actions, regions }) =>
    allow('ConfigureDrsLaunch', actions, drsArns(regions, ['source-server'])),
  // DRS creates one launch template per source server; drbot writes versions of those only
  DrsLaunchTemplates: ({ actions, regions }) =>
    allow('DrsLaunchTemplates', actions, ec2Arns(regions, ['launch-template']), {
      Null: { 'aws:ResourceTag/AWSElasticDisasterRecoveryManaged': 'false' },
    }),
  StartDrsRecovery: ({ actions, regions }) =>
    allow('StartDrsRecovery', actions, drsArns(regions, ['source-server', 'recovery-instance', 'job'])),
  // What DRS does with the caller's rights while converting and launching (it tags what it creates)
  DrsLaunchesInstances: ({ actions, regions }) =>
    allow('DrsLaunchesInstances', actions, [
      ...ec2Arns(regions, [
        'instance',
        'volume',
        'network-interface',
        'subnet',
        'security-group',
        'launch-template',
        'snapshot',
        'image',
      ]),
      sub(`arn:${PARTITION}:iam::${ACCOUNT}:role/*`),
    ]),
  // Only recovery instances a drbot run launched (their tag drbot:run-id)
  TerminateDrsRecoveryInstances: ({ actions, regions }) =>
    allow(
      'TerminateDrsRecoveryInstances',
      actions,
      [...drsArns(regions, ['recovery-instance']), ...ec2Arns(regions, ['instance'])],
      {
        Null: { 'aws:ResourceTag/drbot:run-id': 'false' },
      },
    ),
  ReverseDrsReplication: ({ actions, regions }) =>
    allow('ReverseDrsReplication', actions, drsArns(regions, ['recovery-instance', 'source-server'])),
};

/** DRS ARNs of the given resource types in each region (`source-server`, `recovery-instance`, `job`). */
function drsArns(regions, types) {
  return regions.flatMap((r) => types.map((t) => sub(`arn:${PARTITION}:drs:${r}:${ACCOUNT}:${t}/*`)));
}

/** RDS ARNs of the given resource types in each region (`db`, `cluster`, `snapshot`, `og` …). */
function rdsArns(regions, types) {
  return regions.flatMap((r) => types.map((t) => sub(`arn:${PARTITION}:rds:${r}:${ACCOUNT}:${t}:*`)));
}

function protectedLifecycle({ name, spec }, actions) {
  const protect = spec.protect || {};
  const source = spec.source.region;
  const out = [];
  const tags = protect.tags || {};
  if (Object.keys(tags).length > 0) {
    const equals = {};
    for (const [key, value] of Object.entries(tags)) equals[`aws:ResourceTag/${key}`] = String(value);
    out.push(
      allow(`StopStartProtected${pascal(name)}`, actions, ec2Arn(source, 'instance'), {
        StringEquals: equals,
      }),
    );
  }
  if (Array.isArray(protect.instanceIds) && protect.instanceIds.length > 0) {
    const arns = protect.instanceIds.map((id) =>
      sub(`arn:${PARTITION}:ec2:${source}:${ACCOUNT}:instance/${id}`),
    );
    out.push(allow(`StopStartListed${pascal(name)}`, actions, arns));
  }
  return out;
}

function pascal(name) {
  return name.replace(/(^|-)([a-z0-9])/g, (_, __, c) => c.toUpperCase());
}

/** The statements for a grants map (iam-grants.cjs), in the order of STATEMENTS. */
function statementsFor(grants) {
  for (const [name, grant] of grants) {
    if (!STATEMENTS[name]) {
      throw new Error(
        `IAM: action(s) ${grant.by.join(', ')} declare permissions.aws statement "${name}", which serverless/iam-statements.cjs does not know. Add its scoping to STATEMENTS (or use an existing statement) and package again.`,
      );
    }
  }
  const out = [];
  for (const [name, build] of Object.entries(STATEMENTS)) {
    const grant = grants.get(name);
    if (!grant) continue;
    out.push(...[build({ ...grant, regions: regionsOf(grant.runbooks) })].flat());
  }
  return out;
}

module.exports = { STATEMENTS, statementsFor };
