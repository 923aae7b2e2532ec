/** Reading a generated CloudFormation template in tests: resources by type, every IAM statement. */

// biome-ignore lint/suspicious/noExplicitAny: CloudFormation properties are free-form JSON
type Json = any;

export interface Resource {
  Type: string;
  Properties: Json;
  DeletionPolicy?: string;
  DependsOn?: string | string[];
}

export interface Template {
  Resources: Record<string, Resource | undefined>;
  Outputs?: Record<string, unknown>;
}

export interface IamStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: Json;
  Condition?: Record<string, Record<string, unknown>>;
}

/** EC2 calls that create, change or destroy something: never on Resource "*" without a tag condition. */
export const MUTATING_EC2_ACTIONS = [
  'ec2:RunInstances',
  'ec2:TerminateInstances',
  'ec2:StopInstances',
  'ec2:StartInstances',
  'ec2:RebootInstances',
  'ec2:CreateTags',
  'ec2:DeleteTags',
  'ec2:CreateSnapshot',
  'ec2:CreateSnapshots',
  'ec2:CopySnapshot',
  'ec2:DeleteSnapshot',
  'ec2:CreateImage',
  'ec2:CopyImage',
  'ec2:DeregisterImage',
  'ec2:ModifyInstanceAttribute',
  'ec2:CreateVolume',
  'ec2:DeleteVolume',
  'ec2:AttachVolume',
  'ec2:DetachVolume',
  // network.replicate
  'ec2:CreateVpc',
  'ec2:CreateSubnet',
  'ec2:CreateInternetGateway',
  'ec2:CreateNatGateway',
  'ec2:CreateRouteTable',
  'ec2:CreateRoute',
  'ec2:CreateSecurityGroup',
  'ec2:AuthorizeSecurityGroupIngress',
  'ec2:AuthorizeSecurityGroupEgress',
  'ec2:CreateVpcEndpoint',
  'ec2:AttachInternetGateway',
  'ec2:AssociateRouteTable',
  'ec2:CreateNetworkAclEntry',
];

export function resourcesOfType(template: Template, type: string): [string, Resource][] {
  return Object.entries(template.Resources).filter(
    (entry): entry is [string, Resource] => entry[1]?.Type === type,
  );
}

/** Every statement of every role and managed/inline policy, labelled `<LogicalId>/<n>`. */
export function iamStatements(template: Template): { statement: IamStatement; where: string }[] {
  const out: { statement: IamStatement; where: string }[] = [];
  for (const [id, resource] of Object.entries(template.Resources)) {
    if (!resource) continue;
    const documents: Json[] = [];
    if (resource.Type === 'AWS::IAM::Role') {
      for (const policy of resource.Properties.Policies ?? []) documents.push(policy.PolicyDocument);
    } else if (resource.Type === 'AWS::IAM::Policy' || resource.Type === 'AWS::IAM::ManagedPolicy') {
      documents.push(resource.Properties.PolicyDocument);
    }
    documents.forEach((doc) => {
      [doc?.Statement ?? []].flat().forEach((statement: IamStatement, n: number) => {
        out.push({ statement, where: `${id}/${statement.Sid ?? n}` });
      });
    });
  }
  return out;
}
