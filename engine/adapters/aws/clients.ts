/**
 * SDK v3 client factories, one client per region and service. Tests inject
 * `mockClient(EC2Client)`-backed factories; the defaults create real clients that read the SDK's
 * standard configuration themselves (AWS_REGION, AWS_ENDPOINT_URL_EC2, AWS_PROFILE, …).
 */
import { EC2Client } from '@aws-sdk/client-ec2';
import { Route53Client } from '@aws-sdk/client-route-53';
import { SSMClient } from '@aws-sdk/client-ssm';

/** How the provider obtains its SDK clients. Each factory is called at most once per region. */
export interface AwsClientFactories {
  /** @default `(region) => new EC2Client({ region })` */
  ec2?: (region: string) => EC2Client;
  /** @default `(region) => new SSMClient({ region })` */
  ssm?: (region: string) => SSMClient;
  /** Route 53 is global. @default `() => new Route53Client({})` */
  route53?: () => Route53Client;
}

/** Caches one client per region so connections and credentials are reused across calls. */
export class AwsClients {
  private readonly ec2Clients = new Map<string, EC2Client>();
  private readonly ssmClients = new Map<string, SSMClient>();
  private route53Client: Route53Client | undefined;

  constructor(private readonly factories: AwsClientFactories = {}) {}

  ec2(region: string): EC2Client {
    let client = this.ec2Clients.get(region);
    if (!client) {
      client = this.factories.ec2 ? this.factories.ec2(region) : new EC2Client({ region });
      this.ec2Clients.set(region, client);
    }
    return client;
  }

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
