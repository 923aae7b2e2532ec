/**
 * SDK v3 client factories, one client per region and service, and the EC2 clients' cache. Tests
 * inject `mockClient(EC2Client)`-backed factories; the defaults create real clients that read the
 * SDK's standard configuration themselves (AWS_REGION, AWS_ENDPOINT_URL_EC2, AWS_PROFILE, …).
 *
 * EC2 alone lives here (SSM and Route 53 in clients.ts) so that code needing only EC2 — the
 * `protect` function, DRS's launch templates — does not link the SSM and Route 53 clients: they
 * are ~150 KB of its bundle (bench/cold-start.ts). The other clients are only types here.
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import type { Route53Client } from '@aws-sdk/client-route-53';
import type { SSMClient } from '@aws-sdk/client-ssm';

/** How the provider obtains its SDK clients. Each factory is called at most once per region. */
export interface AwsClientFactories {
  /** @default `(region) => new EC2Client({ region })` */
  ec2?: (region: string) => EC2Client;
  /** @default `(region) => new SSMClient({ region })` */
  ssm?: (region: string) => SSMClient;
  /** Route 53 is global. @default `() => new Route53Client({})` */
  route53?: () => Route53Client;
}

/** Caches one EC2 client per region so connections and credentials are reused across calls. */
export class Ec2Clients {
  private readonly ec2Clients = new Map<string, EC2Client>();

  constructor(protected readonly factories: AwsClientFactories = {}) {}

  ec2(region: string): EC2Client {
    let client = this.ec2Clients.get(region);
    if (!client) {
      client = this.factories.ec2 ? this.factories.ec2(region) : new EC2Client({ region });
      this.ec2Clients.set(region, client);
    }
    return client;
  }
}
