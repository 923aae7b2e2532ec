'use strict';
/**
 * Completion events from the runbooks' other regions. EventBridge rules are regional: the stack's
 * `WakeOn*` rules see only the events of the region drbot is deployed in (the runbooks' target
 * region, where failovers launch and restore). A failback launches in the source region, and
 * hourly snapshots are taken there; without a forwarding rule in that region their events never
 * arrive and those steps wait for their polls (slower, still correct).
 *
 * The stack ships the half CloudFormation can create in its own region: a role EventBridge in
 * another region assumes to put events on this region's default bus (cross-region targets need
 * one), output as `EventForwardRoleArn` with the bus as `EventBusArn`. The rule itself lives in
 * the other region (a stack is regional): README "Events from the other regions" prints the two
 * commands. The events function's tag lookups follow the event's own region, so its role may
 * read tags in every region of the runbooks.
 */
const { ACCOUNT, PARTITION, sub } = require('./iam-arns.cjs');

/** The sources and detail types the forwarding rule selects: the stack's WakeOn* rules, no more. */
const FORWARDED_PATTERN = { source: ['aws.ec2', 'aws.ssm', 'aws.rds'] };

const DEFAULT_BUS = sub(`arn:${PARTITION}:events:\${AWS::Region}:${ACCOUNT}:event-bus/default`);

/** The role another region's rule assumes: PutEvents on this region's default bus only. */
function eventForwardRole(service, stage) {
  return {
    Type: 'AWS::IAM::Role',
    Properties: {
      AssumeRolePolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: ['events.amazonaws.com'] },
            Action: ['sts:AssumeRole'],
            Condition: { StringEquals: { 'aws:SourceAccount': sub(ACCOUNT) } },
          },
        ],
      },
      Policies: [
        {
          PolicyName: `${service}-${stage}-event-forward`,
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: ['events:PutEvents'], Resource: DEFAULT_BUS }],
          },
        },
      ],
    },
  };
}

/** Stack outputs the forwarding commands read. */
const eventForwardOutputs = {
  EventBusArn: {
    Description: 'Target of the event-forwarding rule in each other region of the runbooks',
    Value: DEFAULT_BUS,
  },
  EventForwardRoleArn: {
    Description: 'Role of that rule (events:PutEvents on EventBusArn only)',
    Value: { 'Fn::GetAtt': ['EventForwardRole', 'Arn'] },
  },
};

module.exports = { FORWARDED_PATTERN, eventForwardRole, eventForwardOutputs };
