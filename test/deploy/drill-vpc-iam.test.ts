/**
 * The IAM statements a runbook using the per-run drill VPC gets (serverless/iam-statements.cjs):
 * creates carry the run's tags in the request, rule changes and deletes only touch resources
 * tagged as a drill VPC, and a runbook without network.drillVpc gets none of them.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const require = createRequire(import.meta.url);
const { grantsFor } = require('../../serverless/iam-grants.cjs');
const { statementsFor } = require('../../serverless/iam-statements.cjs');

interface Statement {
  Sid: string;
  Action: string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

function statements(file: string): Statement[] {
  const doc = parse(readFileSync(file, 'utf8')) as { metadata: { name: string }; spec: unknown };
  return statementsFor(grantsFor([{ name: doc.metadata.name, spec: doc.spec }])) as Statement[];
}

const sid = (all: Statement[], name: string) => all.find((s) => s.Sid === name);

describe('IAM for network.drillVpc / network.deleteDrillVpc', () => {
  const all = statements('test/fixtures/drill-vpc/vpc-tier.yaml');

  it('creates the VPC, subnets and group only with the run id and drill-VPC tags in the request', () => {
    const create = sid(all, 'CreateDrillVpc');
    expect(create?.Action).toEqual([
      'ec2:CreateSecurityGroup',
      'ec2:CreateSubnet',
      'ec2:CreateVpc',
      'ec2:CreateVpcEndpoint',
    ]);
    expect(JSON.stringify(create?.Resource)).toContain(':vpc-endpoint/');
    expect(create?.Condition).toEqual({
      Null: { 'aws:RequestTag/drbot:run-id': 'false', 'aws:RequestTag/drbot:drill-vpc': 'false' },
    });
    expect(JSON.stringify(create?.Resource)).toContain('us-west-2');
    expect(JSON.stringify(create?.Resource)).not.toContain('us-east-1');
    expect(sid(all, 'CreateInsideDrillVpc')?.Condition).toEqual({
      Null: { 'aws:ResourceTag/drbot:drill-vpc': 'false' },
    });
  });

  it("deletes and changes rules only on resources tagged as a run's drill VPC", () => {
    const remove = sid(all, 'DeleteDrillVpc');
    expect(remove?.Action).toEqual([
      'ec2:DeleteSecurityGroup',
      'ec2:DeleteSubnet',
      'ec2:DeleteVpc',
      'ec2:DeleteVpcEndpoints',
    ]);
    expect(remove?.Condition).toEqual({
      Null: { 'aws:ResourceTag/drbot:drill-vpc': 'false', 'aws:ResourceTag/drbot:run-id': 'false' },
    });
    const change = sid(all, 'ChangeDrillVpc');
    expect(change?.Action).toContain('ec2:RevokeSecurityGroupEgress');
    expect(change?.Condition).toEqual({ Null: { 'aws:ResourceTag/drbot:drill-vpc': 'false' } });
    // CreateTags only as part of the creating call
    expect(sid(all, 'TagDrillVpcOnCreate')?.Condition?.StringEquals?.['ec2:CreateAction']).toContain(
      'CreateVpc',
    );
    // no statement grants a drill-VPC delete without a tag condition
    for (const s of all.filter((x) =>
      x.Action.some((a) => /^ec2:Delete(Vpc|Subnet|SecurityGroup|VpcEndpoints)$/.test(a)),
    )) {
      expect(JSON.stringify(s.Condition ?? {}), s.Sid).toMatch(/ResourceTag\/drbot:drill-vpc/);
    }
  });

  it('a runbook without network.drillVpc gets none of these statements', () => {
    const plain = statements('test/fixtures/runbooks/valid/minimal.yaml').map((s) => s.Sid);
    for (const name of ['CreateDrillVpc', 'CreateInsideDrillVpc', 'ChangeDrillVpc', 'DeleteDrillVpc']) {
      expect(plain).not.toContain(name);
    }
  });
});
