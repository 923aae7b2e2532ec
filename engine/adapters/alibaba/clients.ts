/**
 * Official SDK clients (ECS, VPC, Alidns), one per region and product. Credentials come from the
 * standard chain of @alicloud/credentials (ALIBABA_CLOUD_ACCESS_KEY_ID / _SECRET, the
 * credentials file, a RAM role ARN, an ECS RAM role, OIDC) unless a key pair is given. Endpoints
 * default to the SDK's regional ones and can be overridden (tests point them at a loopback fake):
 * by option, or by ALIBABA_CLOUD_ENDPOINT_ECS / _VPC / _ALIDNS.
 */
import * as Alidns from '@alicloud/alidns20150109';
import * as Credentials from '@alicloud/credentials';
import * as Ecs from '@alicloud/ecs20140526';
import { $OpenApiUtil } from '@alicloud/openapi-core';
import * as Vpc from '@alicloud/vpc20160428';

/**
 * The SDKs are CommonJS with `exports.default = Client`: Node's ESM loader gives the whole
 * `module.exports` as the default (so the class is `.default.default`), vitest's interop gives the
 * class itself. Either way, this finds the class.
 */
function sdkClass<T>(namespaceDefault: { default: T }): T {
  const inner = (namespaceDefault as unknown as { default?: T }).default;
  return inner ?? (namespaceDefault as unknown as T);
}

const EcsClass = sdkClass(Ecs.default);
const VpcClass = sdkClass(Vpc.default);
const AlidnsClass = sdkClass(Alidns.default);
const CredentialClass = sdkClass(Credentials.default);

export type EcsClient = InstanceType<typeof EcsClass>;
export type VpcClient = InstanceType<typeof VpcClass>;
export type AlidnsClient = InstanceType<typeof AlidnsClass>;

export type AlibabaProduct = 'ecs' | 'vpc' | 'alidns';

export interface AlibabaClientOptions {
  /** Endpoint per product (`host[:port]`), the same for every region, e.g. a test fake. */
  endpoints?: Partial<Record<AlibabaProduct, string>>;
  /** @default 'HTTPS' */
  protocol?: 'HTTP' | 'HTTPS';
  /** An explicit key pair; without it the credentials chain is used. */
  accessKeyId?: string;
  accessKeySecret?: string;
  /** Alidns is global; its client is made for this region. @default 'cn-hangzhou' */
  dnsRegion?: string;
  /** Per-call read timeout, ms. @default 30_000 */
  readTimeout?: number;
}

const ENV_ENDPOINT: Record<AlibabaProduct, string> = {
  ecs: 'ALIBABA_CLOUD_ENDPOINT_ECS',
  vpc: 'ALIBABA_CLOUD_ENDPOINT_VPC',
  alidns: 'ALIBABA_CLOUD_ENDPOINT_ALIDNS',
};

/** Caches one client per product and region so connections and credentials are reused. */
export class AlibabaClients {
  private readonly cache = new Map<string, unknown>();
  private credential: InstanceType<typeof CredentialClass> | undefined;

  constructor(private readonly options: AlibabaClientOptions = {}) {}

  private config(product: AlibabaProduct, region: string): $OpenApiUtil.Config {
    const endpoint = this.options.endpoints?.[product] ?? process.env[ENV_ENDPOINT[product]];
    if (!this.options.accessKeyId) this.credential ??= new CredentialClass();
    const keys = this.options.accessKeyId
      ? { accessKeyId: this.options.accessKeyId, accessKeySecret: this.options.accessKeySecret }
      : { credential: this.credential };
    return new $OpenApiUtil.Config({
      ...keys,
      regionId: region,
      ...(endpoint ? { endpoint } : {}),
      ...(this.options.protocol ? { protocol: this.options.protocol } : {}),
      readTimeout: this.options.readTimeout ?? 30_000,
      connectTimeout: 10_000,
    });
  }

  private get<T>(product: AlibabaProduct, region: string, make: (config: $OpenApiUtil.Config) => T): T {
    const key = `${product}:${region}`;
    let client = this.cache.get(key) as T | undefined;
    if (!client) {
      client = make(this.config(product, region));
      this.cache.set(key, client);
    }
    return client;
  }

  ecs(region: string): EcsClient {
    return this.get('ecs', region, (c) => new EcsClass(c));
  }

  vpc(region: string): VpcClient {
    return this.get('vpc', region, (c) => new VpcClass(c));
  }

  alidns(): AlidnsClient {
    return this.get('alidns', this.options.dnsRegion ?? 'cn-hangzhou', (c) => new AlidnsClass(c));
  }
}
