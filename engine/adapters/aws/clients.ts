/**
 * The EC2, SSM and Route 53 clients of the full provider and the network adapter: one client per
 * region and service (Route 53 is global), created on first use from the factories of
 * ec2-clients.ts, which holds EC2's cache alone (see there why).
 */
import { Route53Client } from '@aws-sdk/client-route-53';
import { SSMClient } from '@aws-sdk/client-ssm';
import { Ec2Clients } from './ec2-clients.js';

export type { AwsClientFactories } from './ec2-clients.js';

/** Caches one client per region so connections and credentials are reused across calls. */
export class AwsClients extends Ec2Clients {
  private readonly ssmClients = new Map<string, SSMClient>();
  private route53Client: Route53Client | undefined;

  ssm(region: string): SSMClient {
    let client = this.ssmClients.get(region);
    if (!client) {
      client = this.factories.ssm ? this.factories.ssm(region) : new SSMClient({ region });
      this.ssmClients.set(region, client);
    }
    return client;
  }

  route53(): Route53Client {
    this.route53Client ??= this.factories.route53 ? this.factories.route53() : new Route53Client({});
    return this.route53Client;
  }
}
