/**
 * Gateways of a replicated VPC: internet, egress-only and NAT gateways (with the NAT's Elastic
 * IP). Each is found by its `drbot:source-id` tag first and created only when missing.
 */
import {
  AllocateAddressCommand,
  AttachInternetGatewayCommand,
  CreateEgressOnlyInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateNatGatewayCommand,
} from '@aws-sdk/client-ec2';
import { SOURCE_ID_TAG } from '../../../network/plan-types.js';
import { tagSpecs } from '../tags.js';
import type { AwsNetworkConverger, StepOf } from './converge.js';
import { bySource } from './converge-find.js';
import { filter } from './pages.js';

export async function applyInternetGateway(
  c: AwsNetworkConverger,
  step: StepOf<'internet-gateway'>,
): Promise<void> {
  const vpcId = c.target(step.vpcRef);
  const [found] = await c.find.igws([bySource(step.sourceId)]);
  let id = found?.InternetGatewayId;
  if (id) c.record('internet-gateway', step.sourceId, id, false);
  else {
    const out = await c.send('CreateInternetGateway', () =>
      c.client.send(
        new CreateInternetGatewayCommand({ TagSpecifications: c.specs('internet-gateway', step) }),
      ),
    );
    id = c.record('internet-gateway', step.sourceId, out.InternetGateway?.InternetGatewayId ?? '', true);
  }
  if (!found?.Attachments?.some((a) => a.VpcId === vpcId)) {
    const igwId = id;
    await c.send('AttachInternetGateway', () =>
      c.client.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId })),
    );
    c.changes.push(`attached ${igwId} to ${vpcId}`);
  }
}

export async function applyEgressOnlyGateway(
  c: AwsNetworkConverger,
  step: StepOf<'egress-only-gateway'>,
): Promise<void> {
  const [found] = await c.find.eigws([bySource(step.sourceId)]);
  if (found?.EgressOnlyInternetGatewayId) {
    c.record('egress-only-gateway', step.sourceId, found.EgressOnlyInternetGatewayId, false);
    return;
  }
  const out = await c.send('CreateEgressOnlyInternetGateway', () =>
    c.client.send(
      new CreateEgressOnlyInternetGatewayCommand({
        VpcId: c.target(step.vpcRef),
        TagSpecifications: c.specs('egress-only-internet-gateway', step),
      }),
    ),
  );
  c.record(
    'egress-only-gateway',
    step.sourceId,
    out.EgressOnlyInternetGateway?.EgressOnlyInternetGatewayId ?? '',
    true,
  );
}

export async function applyNatGateway(c: AwsNetworkConverger, step: StepOf<'nat-gateway'>): Promise<void> {
  const [found] = await c.find.nats([bySource(step.sourceId), filter('state', 'pending', 'available')]);
  let allocationId: string | undefined;
  if (step.connectivity === 'public') {
    const eipSource = `eip:${step.sourceId}`;
    const [eip] = await c.find.addresses([bySource(eipSource)]);
    allocationId = eip?.AllocationId;
    if (!allocationId && !found) {
      const out = await c.send('AllocateAddress', () =>
        c.client.send(
          new AllocateAddressCommand({
            Domain: 'vpc',
            TagSpecifications: tagSpecs(['elastic-ip'], { ...c.tags(step), [SOURCE_ID_TAG]: eipSource }),
          }),
        ),
      );
      allocationId = out.AllocationId;
    }
    if (allocationId) c.record('elastic-ip', eipSource, allocationId, !eip);
  }
  if (found?.NatGatewayId) {
    c.record('nat-gateway', step.sourceId, found.NatGatewayId, false);
    return;
  }
  const out = await c.send('CreateNatGateway', () =>
    c.client.send(
      new CreateNatGatewayCommand({
        SubnetId: c.target(step.subnetRef),
        ConnectivityType: step.connectivity,
        ...(allocationId ? { AllocationId: allocationId } : {}),
        TagSpecifications: c.specs('natgateway', step),
      }),
    ),
  );
  c.record('nat-gateway', step.sourceId, out.NatGateway?.NatGatewayId ?? '', true);
}
