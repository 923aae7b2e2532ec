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
const { eventForwardRole } = require('./event-forwarding.cjs');
const { loadRunbooks, regionsOf } = require('./runbooks.cjs');
const { ACCOUNT, PARTITION, sub } = require('./iam-arns.cjs');
const { grantsFor } = require('./iam-grants.cjs');
const { statementsFor } = require('./iam-statements.cjs');

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

/**
 * Builds the roles; exported for tests. `service` and `stage` name the functions and parameters;
 * `modules` are the action modules whose declared permissions are granted (default: the catalogue).
 */
function iamResources(runbooks, service, stage, modules) {
  const fn = (name) => `${service}-${stage}-${name}`;
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
      // the worker executes steps: what every action the runbooks use declares
      ...statementsFor(grantsFor(runbooks, modules)),
    ]),
    // Completion events: read the resource's drbot:run-id tag, queue a kick. Nothing else.
    EventsRole: lambdaRole(fn('events'), [
      ...logStatements(fn('events')),
      queueSend,
      {
        Sid: 'FindOwningRun',
        Effect: 'Allow',
        // read-only lookups with no resource-level permissions (AWS), in the event's own region:
        // this one or a runbook region forwarding its events here (event-forwarding.cjs)
        Action: ['ec2:DescribeTags', 'ssm:ListCommands', 'rds:ListTagsForResource'],
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:RequestedRegion': [sub('${AWS::Region}'), ...regionsOf(runbooks)] },
        },
      },
    ]),
    // Assumed by the forwarding rules of the runbooks' other regions: PutEvents on this bus only.
    EventForwardRole: eventForwardRole(service, stage),
    // Protection needs neither Slack nor the run store: the runbooks ship in its package.
    ProtectRole: lambdaRole(fn('protect'), [
      ...logStatements(fn('protect')),
      // it runs recovery.protect for every runbook on the hourly schedule
      ...statementsFor(grantsFor(runbooks, modules, ['recovery.protect'])),
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
