/**
 * serverless/sdk-tree-shaking.cjs changes how the bundled AWS SDK is built, so these check that
 * the bundle still speaks EC2 exactly as the SDK from node_modules does (same request bytes, same
 * parsed answer, against one loopback peer), that the unused shapes are gone, and that the
 * credential chain with its skipped links still reaches the container endpoint.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const load = createRequire(import.meta.url);
const { lambdaPlugins } = load('../../serverless/esbuild-plugins.cjs') as {
  lambdaPlugins: (mode: 'bundled') => Plugin[];
};

/** One RunInstances and one DescribeInstances through `ec2`, with what the peer was sent. */
const EXCHANGE = `
import { DescribeInstancesCommand, EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
export async function exchange(endpoint) {
  const ec2 = new EC2Client({ region: 'us-west-2', endpoint, credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' }, maxAttempts: 1 });
  await ec2.send(new RunInstancesCommand({
    ImageId: 'ami-1', MinCount: 1, MaxCount: 1, InstanceType: 'm5.large', ClientToken: 'token-1',
    NetworkInterfaces: [{ DeviceIndex: 0, SubnetId: 'subnet-1', Groups: ['sg-1', 'sg-2'], PrivateIpAddress: '10.0.0.5' }],
    BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { SnapshotId: 'snap-1', VolumeSize: 40, VolumeType: 'gp3' } }],
    TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'drbot:run', Value: 'r-1' }] }],
  })).catch(() => undefined);
  return ec2.send(new DescribeInstancesCommand({ InstanceIds: ['i-1'] }));
}
export async function credentials() {
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
  return defaultProvider()();
}
`;

const DESCRIBE_ANSWER = `<?xml version="1.0" encoding="UTF-8"?>
<DescribeInstancesResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>req-1</requestId>
<reservationSet><item><reservationId>r-1</reservationId><instancesSet><item>
<instanceId>i-1</instanceId><instanceType>m5.large</instanceType><instanceState><code>16</code><name>running</name></instanceState>
<placement><availabilityZone>us-west-2a</availabilityZone></placement><privateIpAddress>10.0.0.5</privateIpAddress>
<groupSet><item><groupId>sg-1</groupId><groupName>web</groupName></item></groupSet>
<blockDeviceMapping><item><deviceName>/dev/xvda</deviceName><ebs><volumeId>vol-1</volumeId><status>attached</status></ebs></item></blockDeviceMapping>
<tagSet><item><key>drbot:run</key><value>r-1</value></item></tagSet>
</item></instancesSet></item></reservationSet></DescribeInstancesResponse>`;

type Exchange = { exchange(endpoint: string): Promise<unknown>; credentials(): Promise<unknown> };

let dir: string;
let bundleFile: string;
let bundled: Exchange;
let source: Exchange;
let server: Server;
let endpoint: string;
const bodies: string[] = [];

beforeAll(async () => {
  mkdirSync(join(root, '.esbuild'), { recursive: true });
  dir = mkdtempSync(join(root, '.esbuild', 'tree-shaking-'));
  bundleFile = join(dir, 'exchange.mjs');
  await build({
    stdin: { contents: EXCHANGE, resolveDir: root, loader: 'js' },
    outfile: bundleFile,
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    target: 'node22',
    banner: { js: "import { createRequire as r } from 'node:module'; const require = r(import.meta.url);" },
    plugins: lambdaPlugins('bundled'),
    logLevel: 'silent',
  });
  // the same code, unbundled: the SDK as node_modules holds it
  const sourceFile = join(dir, 'exchange-source.mjs');
  await import('node:fs/promises').then((fs) => fs.writeFile(sourceFile, EXCHANGE));
  bundled = (await import(pathToFileURL(bundleFile).href)) as Exchange;
  source = (await import(pathToFileURL(sourceFile).href)) as Exchange;
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      bodies.push(body);
      if (req.url?.startsWith('/creds')) {
        res.setHeader('content-type', 'application/json');
        res.end(
          JSON.stringify({
            AccessKeyId: 'ASIACONTAINER',
            SecretAccessKey: 's',
            Token: 't',
            Expiration: '2099-01-01T00:00:00Z',
          }),
        );
      } else {
        res.setHeader('content-type', 'text/xml');
        res.end(DESCRIBE_ANSWER);
      }
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await new Promise((done) => server?.close(done));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the bundled AWS SDK (serverless/sdk-tree-shaking.cjs)', () => {
  it('sends EC2 the same request bytes and parses the same answer as the SDK from node_modules', async () => {
    bodies.length = 0;
    const fromSource = await source.exchange(endpoint);
    const sourceBodies = bodies.splice(0);
    const fromBundle = await bundled.exchange(endpoint);
    expect(bodies).toEqual(sourceBodies);
    // the EC2 query names come from the rewritten trait keys (ec2QueryName)
    expect(sourceBodies[0]).toContain('NetworkInterface.1.SecurityGroupId.2=sg-2');
    expect(sourceBodies[0]).toContain('TagSpecification.1.Tag.1.Key=drbot%3Arun');
    const strip = (o: unknown) =>
      JSON.parse(JSON.stringify(o, (k, v) => (k === '$metadata' ? undefined : v)));
    expect(strip(fromBundle)).toEqual(strip(fromSource));
    expect(strip(fromBundle).Reservations[0].Instances[0].Tags).toEqual([{ Key: 'drbot:run', Value: 'r-1' }]);
  });

  it('leaves out the shapes of commands the code never sends', () => {
    const code = readFileSync(bundleFile, 'utf8');
    expect(code).toContain('"RunInstancesRequest"');
    expect(code).not.toContain('"WithdrawByoipCidrRequest"');
    expect(code).not.toContain('"AcceptAddressTransferRequest"');
  });

  it('keeps the credential chain: the environment first, else past the skipped links to the container endpoint', async () => {
    const saved = { ...process.env };
    try {
      for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
      process.env.AWS_CONFIG_FILE = '/nonexistent';
      process.env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent';
      process.env.AWS_ACCESS_KEY_ID = 'AKIAENV';
      process.env.AWS_SECRET_ACCESS_KEY = 'secret';
      expect(await bundled.credentials()).toMatchObject({ accessKeyId: 'AKIAENV' });

      delete process.env.AWS_ACCESS_KEY_ID;
      delete process.env.AWS_SECRET_ACCESS_KEY;
      process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = `${endpoint}/creds`;
      expect(await bundled.credentials()).toMatchObject({ accessKeyId: 'ASIACONTAINER', sessionToken: 't' });
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });
});
