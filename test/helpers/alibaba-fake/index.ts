/**
 * A loopback fake of Alibaba Cloud's ECS, VPC and Alidns RPC endpoints, for the provider tests.
 * One node:http server on 127.0.0.1 and a random port; the SDK clients reach it through their
 * endpoint override (`endpoint: 127.0.0.1:<port>`, protocol HTTP). Every request must carry a
 * valid ACS3-HMAC-SHA256 signature of the fake's access key, a fresh nonce, a known product
 * version (x-acs-version) and action (x-acs-action), and the action's required parameters; the
 * answers follow the API reference's response shapes, errors included.
 */

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { COMMAND_HANDLERS } from './ecs-commands.js';
import { IMAGE_HANDLERS } from './ecs-images.js';
import { type Handler, INSTANCE_HANDLERS } from './ecs-instances.js';
import { NETWORK_INTERFACE_HANDLERS } from './ecs-network-interfaces.js';
import { SecurityGroupFakeState, securityGroupHandlers } from './ecs-security-groups.js';
import { EcsFakeState } from './ecs-state.js';
import { ApiError, type Params } from './params.js';
import { parseQuery, verifyAcs3 } from './signature.js';
import { dnsHandlers, VpcDnsFakeState } from './vpc-dns.js';
import { VpcNetworkFakeState, vpcNetworkHandlers } from './vpc-network.js';

export const FAKE_ACCESS_KEY_ID = 'LTAI5tFakeDrbotKey0001';
export const FAKE_ACCESS_KEY_SECRET = 'fakeSecretForTheLoopbackOnly0001';

export const PRODUCT_VERSIONS = { ecs: '2014-05-26', vpc: '2016-04-28', alidns: '2015-01-09' } as const;
export type Product = keyof typeof PRODUCT_VERSIONS;

export interface FakeCall {
  product: Product;
  action: string;
  params: Params;
}

export interface AlibabaFake {
  /** `127.0.0.1:<port>`, for the SDK config's `endpoint`. */
  endpoint: string;
  ecs: EcsFakeState;
  net: VpcDnsFakeState;
  /** Route tables and entries, zones (VPC network replication). */
  network: VpcNetworkFakeState;
  /** Security groups and instance type offerings. */
  groups: SecurityGroupFakeState;
  /** Every accepted call, in order. */
  calls: FakeCall[];
  /** Signature or protocol refusals, for tests that expect none. */
  refusals: string[];
  /** The next call of `action` fails with this error (throttling, no stock …). */
  failNext(action: string, code: string, status?: number, times?: number): void;
  advance(ms: number): void;
  actions(product?: Product): string[];
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: Record<string, unknown>): void {
  res.writeHead(status, { 'content-type': 'application/json;charset=utf-8' });
  res.end(JSON.stringify(body));
}

export async function startAlibabaFake(): Promise<AlibabaFake> {
  const ecs = new EcsFakeState();
  const net = new VpcDnsFakeState(ecs);
  const network = new VpcNetworkFakeState(ecs, net);
  const groups = new SecurityGroupFakeState(ecs);
  const handlers: Record<Product, Record<string, Handler>> = {
    ecs: {
      ...INSTANCE_HANDLERS,
      ...IMAGE_HANDLERS,
      ...COMMAND_HANDLERS,
      ...NETWORK_INTERFACE_HANDLERS,
      ...securityGroupHandlers(groups, network),
    },
    vpc: vpcNetworkHandlers(network),
    alidns: dnsHandlers(net),
  };
  const calls: FakeCall[] = [];
  const refusals: string[] = [];
  const nonces = new Set<string>();
  const faults: { action: string; code: string; status: number }[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const RequestId = randomUUID().toUpperCase();
    const body = await readBody(req);
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    const query = parseQuery(q < 0 ? '' : url.slice(q + 1));
    const refuse = (status: number, code: string, message: string) => {
      refusals.push(`${code}: ${message}`);
      send(res, status, { RequestId, HostId: req.headers.host, Code: code, Message: message });
    };
    const bad = verifyAcs3(
      { method: req.method ?? 'GET', pathname, query, headers: req.headers, body },
      (id) => (id === FAKE_ACCESS_KEY_ID ? FAKE_ACCESS_KEY_SECRET : undefined),
    );
    if (bad) return refuse(400, bad.code, bad.message);
    const nonce = String(req.headers['x-acs-signature-nonce']);
    if (nonces.has(nonce))
      return refuse(400, 'SignatureNonceUsed', 'The request signature nonce has been used.');
    nonces.add(nonce);
    const version = String(req.headers['x-acs-version']);
    const product = (Object.keys(PRODUCT_VERSIONS) as Product[]).find((p) => PRODUCT_VERSIONS[p] === version);
    if (!product)
      return refuse(400, 'InvalidVersion', `Specified parameter Version ${version} is not valid.`);
    const action = String(req.headers['x-acs-action']);
    const handler = handlers[product][action];
    if (!handler) return refuse(404, 'InvalidAction.NotFound', `Specified api ${action} is not found.`);
    const form = String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
      ? parseQuery(body.toString('utf8'))
      : {};
    const params: Params = { ...query, ...form };
    const fault = faults.findIndex((f) => f.action === action);
    if (fault >= 0) {
      const [f] = faults.splice(fault, 1);
      calls.push({ product, action, params });
      return send(res, f?.status ?? 400, { RequestId, Code: f?.code, Message: `injected ${f?.code}` });
    }
    try {
      const answer = handler(ecs, params);
      calls.push({ product, action, params });
      send(res, 200, { RequestId, ...answer });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      calls.push({ product, action, params });
      send(res, err.status, {
        RequestId,
        HostId: req.headers.host,
        Code: err.code,
        Message: err.message,
        Recommend: 'https://api.aliyun.com/troubleshoot',
      });
    }
  }

  const server: Server = createServer({ maxHeaderSize: 256 * 1024 }, (req, res) => {
    handle(req, res).catch((err: unknown) => send(res, 500, { Code: 'InternalError', Message: String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `127.0.0.1:${port}`,
    ecs,
    net,
    network,
    groups,
    calls,
    refusals,
    failNext(action, code, status = 400, times = 1) {
      for (let i = 0; i < times; i++) faults.push({ action, code, status });
    },
    advance: (ms) => ecs.advance(ms),
    actions: (product) => calls.filter((c) => !product || c.product === product).map((c) => c.action),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
