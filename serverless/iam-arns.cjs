'use strict';
/** ARN and condition helpers shared by the IAM builders (CloudFormation `Fn::Sub` strings). */

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

module.exports = { ACCOUNT, PARTITION, ec2Arn, ec2Arns, inRegions, sub };
