'use strict';
/**
 * Least-privilege IAM, one role per function, derived from the runbooks at package time.
 * osls has no per-function roles, so these are plain AWS::IAM::Role resources and each function
 * sets `role:` to its own.
 *
 * Rules the package test enforces: no Action "*" or "*:*"; mutating EC2 actions never get
 * Resource "*" — they are scoped to resource types in the runbooks' regions and, where AWS can
 * evaluate it, to drbot's tags (`aws:RequestTag/drbot:run-id` when launching,
 * `aws:ResourceTag/drbot:run-id` to terminate). Read-only Describe/List calls keep Resource "*"
 * because AWS offers no resource-level permissions for them; they are pinned to the runbooks'
 * regions with `aws:RequestedRegion` instead.
 */
const { loadRunbooks, regionsOf } = require('./runbooks.cjs');

const PARTITION = '${AWS::Partition}';
const ACCOUNT = '${AWS::AccountId}';

const sub = (text) => ({ 'Fn::Sub': text });
const ec2Arn = (region, type, owned = true) =>
  sub(`arn:${PARTITION}:ec2:${region}:${owned ? ACCOUNT : ''}:${type}/*`);

/** Every (region × resource type) ARN; AMIs and snapshots have no account in their ARN. */
function ec2Arns(regions, types) {
  const arns = [];
  for (const region of regions) {
    for (const type of types) arns.push(ec2Arn(region, type, type !== 'image' && type !== 'snapshot'));
  }
  return arns;
}

const inRegions = (regions) => ({ StringEquals: { 'aws:RequestedRegion': regions } });

function logStatements(functionName) {
  return [
    {
      Sid: 'WriteOwnLogs',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: sub(
        `arn:${PARTITION}:logs:\${AWS::Region}:${ACCOUNT}:log-group:/aws/lambda/${functionName}:*`,
      ),
    },
  ];
}

function tableStatements() {
  return [
    {
      Sid: 'RunStore',
      Effect: 'Allow',
      Action: [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
        'dynamodb:Query',
      ],
      Resource: [{ 'Fn::GetAtt': ['RunTable', 'Arn'] }, sub('${RunTable.Arn}/index/*')],
    },
  ];
}

const queueSend = {
  Sid: 'KickWorker',
  Effect: 'Allow',
  Action: ['sqs:SendMessage'],
  Resource: { 'Fn::GetAtt': ['WorkQueue', 'Arn'] },
};

const queueConsume = {
  Sid: 'ConsumeWorkQueue',
  Effect: 'Allow',
  Action: [
    'sqs:ReceiveMessage',
    'sqs:DeleteMessage',
    'sqs:GetQueueAttributes',
    'sqs:ChangeMessageVisibility',
  ],
  Resource: { 'Fn::GetAtt': ['WorkQueue', 'Arn'] },
};

/** Only the two named SecureString parameters; the AWS-managed aws/ssm key needs no kms grant. */
function slackSecretStatements(stage) {
  return [
    {
      Sid: 'ReadSlackSecrets',
      Effect: 'Allow',
      Action: ['ssm:GetParameter'],
      Resource: ['slack-signing-secret', 'slack-bot-token'].map((name) =>
        sub(`arn:${PARTITION}:ssm:\${AWS::Region}:${ACCOUNT}:parameter/drbot/${stage}/${name}`),
      ),
    },
  ];
}

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

function lambdaRole(functionName, statements) {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: ['sts:AssumeRole'] },
        ],
      },
      Policies: [
        {
          PolicyName: `${functionName}-policy`,
          PolicyDocument: { Version: '2012-10-17', Statement: statements },
        },
      ],
    },
  };
}

/** Builds the roles; exported for tests. `service` and `stage` name the functions and parameters. */
function iamResources(runbooks, service, stage) {
  const fn = (name) => `${service}-${stage}-${name}`;
  const regions = regionsOf(runbooks);
  const slackAndScheduler = (name) => [
    ...logStatements(fn(name)),
    ...tableStatements(),
    queueSend,
    ...slackSecretStatements(stage),
  ];
  return {
    SlackRole: lambdaRole(fn('slack'), slackAndScheduler('slack')),
    SchedulerRole: lambdaRole(fn('scheduler'), slackAndScheduler('scheduler')),
    WorkerRole: lambdaRole(fn('worker'), [
      ...slackAndScheduler('worker'),
      queueConsume,
      ...ec2ReadStatements(regions),
      ...launchStatements(regions),
      ...lifecycleStatements(runbooks, regions),
      ...recoveryPointStatements(regions),
      ...runCommandStatements(regions),
      ...dnsStatements(runbooks),
    ]),
    // Protection needs neither Slack nor the run store: the runbooks ship in its package.
    ProtectRole: lambdaRole(fn('protect'), [
      ...logStatements(fn('protect')),
      ...ec2ReadStatements(regions),
      ...recoveryPointStatements(regions),
    ]),
    // EventBridge Scheduler assumes this role to invoke the scheduler function, and nothing else.
    SchedulerInvokeRole: {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: ['scheduler.amazonaws.com'] },
              Action: ['sts:AssumeRole'],
              Condition: { StringEquals: { 'aws:SourceAccount': sub(ACCOUNT) } },
            },
          ],
        },
        Policies: [
          {
            PolicyName: `${fn('scheduler')}-invoke`,
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                {
                  Effect: 'Allow',
                  Action: ['lambda:InvokeFunction'],
                  Resource: [
                    sub(`arn:${PARTITION}:lambda:\${AWS::Region}:${ACCOUNT}:function:${fn('scheduler')}`),
                    sub(`arn:${PARTITION}:lambda:\${AWS::Region}:${ACCOUNT}:function:${fn('scheduler')}:*`),
                  ],
                },
              ],
            },
          },
        ],
      },
    },
  };
}

module.exports = async ({ resolveVariable }) => {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  return { Resources: iamResources(loadRunbooks(), service, stage) };
};
module.exports.iamResources = iamResources;
