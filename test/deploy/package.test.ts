/**
 * Packages the service once with `osls package` (offline, no AWS credentials) and checks the
 * generated CloudFormation: the resources drbot depends on exist with the settings that matter,
 * there is one schedule per runbook schedule entry, and IAM stays least-privilege. Then it loads
 * the deployed artifact itself (slack.zip unpacked as Lambda would) to catch what source-level
 * tests cannot: ESM bundling, the require banner, the stubbed modules, missing runbooks.
 */
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type IamStatement,
  iamStatements,
  MUTATING_EC2_ACTIONS,
  type Resource,
  resourcesOfType,
  type Template,
} from './template.js';
import { unzip } from './unzip.js';

const root = resolve(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const { loadRunbooks } = require('../../serverless/runbooks.cjs') as {
  loadRunbooks: (dir: string) => {
    name: string;
    spec: {
      schedule?: { cron: string; timezone: string }[];
      source: { region: string };
      target: { region: string };
    };
  }[];
};
const { toSchedulerExpression } = require('../../serverless/cron.cjs') as {
  toSchedulerExpression: (c: string) => string;
};

/** The environment of a CI machine with no AWS account: credentials and profiles removed. */
function offlineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
  };
  for (const key of Object.keys(env)) if (key.startsWith('AWS_') || key.startsWith('DRBOT_')) delete env[key];
  env.AWS_SHARED_CREDENTIALS_FILE = '/nonexistent';
  env.AWS_CONFIG_FILE = '/nonexistent';
  return env;
}

let out: string;
let template: Template;

beforeAll(async () => {
  // Inside the repository (git-ignored .esbuild/) so the unpacked bundle resolves the AWS SDK
  // (external: the Lambda runtime provides it) from node_modules.
  mkdirSync(join(root, '.esbuild'), { recursive: true });
  out = mkdtempSync(join(root, '.esbuild', 'package-test-'));
  await promisify(execFile)(
    join(root, 'node_modules/.bin/osls'),
    ['package', '--stage', 'ci', '--package', join(out, 'pkg')],
    {
      cwd: root,
      env: offlineEnv(),
      timeout: 240_000,
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  template = JSON.parse(
    readFileSync(join(out, 'pkg', 'cloudformation-template-update-stack.json'), 'utf8'),
  ) as Template;
}, 300_000);

afterAll(() => {
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('osls package (CloudFormation)', () => {
  it('defines the four functions on nodejs22.x arm64, each with its own role', () => {
    const functions = resourcesOfType(template, 'AWS::Lambda::Function');
    const byName: Record<string, Resource['Properties']> = Object.fromEntries(
      functions.map(([, r]) => [r.Properties.FunctionName, r.Properties]),
    );
    expect(Object.keys(byName).sort()).toEqual([
      'drbot-ci-events',
      'drbot-ci-protect',
      'drbot-ci-scheduler',
      'drbot-ci-slack',
      'drbot-ci-worker',
    ]);
    const roles = new Set<string>();
    for (const props of Object.values(byName)) {
      expect(props.Runtime).toBe('nodejs22.x');
      expect(props.Architectures).toEqual(['arm64']);
      roles.add(JSON.stringify(props.Role));
      expect(props.Environment.Variables).toMatchObject({ DRBOT_REGION: 'us-west-2' });
      expect(props.Environment.Variables.DRBOT_TABLE).toEqual({ Ref: 'RunTable' });
      expect(props.Environment.Variables.DRBOT_QUEUE_URL).toEqual({ Ref: 'WorkQueue' });
    }
    expect(roles.size).toBe(5);
    expect(byName['drbot-ci-slack'].Timeout).toBeLessThanOrEqual(10);
  });

  it('passes Slack secrets as SSM parameter names, never as values', () => {
    const text = JSON.stringify(template);
    expect(text).toContain('/drbot/ci/slack-signing-secret');
    expect(text).not.toMatch(/xox[abp]-/);
    for (const [, fn] of resourcesOfType(template, 'AWS::Lambda::Function')) {
      const vars = Object.keys(fn.Properties.Environment.Variables);
      expect(vars).not.toContain('SLACK_SIGNING_SECRET');
      expect(vars).not.toContain('SLACK_BOT_TOKEN');
    }
  });

  it('routes POST /slack/events to the slack function', () => {
    const routes = resourcesOfType(template, 'AWS::ApiGatewayV2::Route').map(
      ([, r]) => r.Properties.RouteKey,
    );
    expect(routes).toContain('POST /slack/events');
  });

  it('declares the run table the store expects, with PITR, deletion protection and on-demand billing', async () => {
    const [[, table] = []] = resourcesOfType(template, 'AWS::DynamoDB::Table');
    const { cloudFormationTableProperties } = await import(
      '../../engine/adapters/dynamodb/table-definition.js'
    );
    expect(table?.Properties).toMatchObject(cloudFormationTableProperties() as Record<string, unknown>);
    expect(table?.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table?.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table?.Properties.DeletionProtectionEnabled).toBe(true);
    expect(table?.DeletionPolicy).toBe('Retain');
  });

  it('feeds the worker from a queue with a dead-letter queue and an alarm on its depth', () => {
    const queue = template.Resources.WorkQueue;
    expect(queue?.Type).toBe('AWS::SQS::Queue');
    expect(queue?.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': ['DeadLetterQueue', 'Arn'] },
      maxReceiveCount: 5,
    });
    expect(template.Resources.DeadLetterQueue?.Type).toBe('AWS::SQS::Queue');
    const [mapping] = resourcesOfType(template, 'AWS::Lambda::EventSourceMapping');
    // wake-ups coalesce: up to 10 messages within 1 s, one advance per run, failures per message
    expect(mapping?.[1].Properties).toMatchObject({
      BatchSize: 10,
      MaximumBatchingWindowInSeconds: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      EventSourceArn: { 'Fn::GetAtt': ['WorkQueue', 'Arn'] },
      FunctionName: { 'Fn::GetAtt': ['WorkerLambdaFunction', 'Arn'] },
    });
    const alarms = resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties);
    expect(alarms).toContainEqual(
      expect.objectContaining({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': ['DeadLetterQueue', 'QueueName'] } }],
      }),
    );
  });

  it('routes the cloud completion events to the events function, which may only read tags and queue', () => {
    const rules = resourcesOfType(template, 'AWS::Events::Rule').map(([, r]) => r.Properties);
    const detailTypes = rules.flatMap((r) => r.EventPattern['detail-type']);
    expect(detailTypes.sort()).toEqual([
      'EBS Snapshot Notification',
      'EC2 AMI State Change',
      'EC2 Command Status-change Notification',
      'EC2 Instance State-change Notification',
      'RDS DB Cluster Event',
      'RDS DB Instance Event',
    ]);
    for (const rule of rules) {
      expect(JSON.stringify(rule.Targets)).toContain('EventsLambdaFunction');
    }
    const actions = iamStatements(template)
      .filter((s) => s.where.startsWith('EventsRole'))
      .flatMap((s) => [s.statement.Action].flat());
    expect(actions.sort()).toEqual([
      'ec2:DescribeTags',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
      'rds:ListTagsForResource',
      'sqs:SendMessage',
      'ssm:ListCommands',
    ]);
  });

  it('lets the runbooks’ other regions forward their events here: a role for PutEvents on this bus only', () => {
    const { FORWARDED_PATTERN } = require('../../serverless/event-forwarding.cjs') as {
      FORWARDED_PATTERN: { source: string[] };
    };
    // the forwarding rule (README) selects every source the WakeOn* rules match
    const rules = resourcesOfType(template, 'AWS::Events::Rule').map(([, r]) => r.Properties);
    for (const rule of rules)
      for (const source of rule.EventPattern.source) expect(FORWARDED_PATTERN.source).toContain(source);
    const role = template.Resources.EventForwardRole as Resource;
    expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument)).toContain('events.amazonaws.com');
    const forward = iamStatements(template).filter((s) => s.where.startsWith('EventForwardRole'));
    expect(forward.map((s) => s.statement.Action)).toEqual([['events:PutEvents']]);
    expect(JSON.stringify(forward[0]?.statement.Resource)).toContain(':event-bus/default');
    expect(Object.keys(template.Outputs ?? {})).toEqual(
      expect.arrayContaining(['EventBusArn', 'EventForwardRoleArn']),
    );
    // the events function looks tags up in the event's region: this one and the runbooks'
    const lookup = iamStatements(template).find(
      (s) => s.where.startsWith('EventsRole') && s.statement.Sid === 'FindOwningRun',
    );
    const regions = JSON.stringify(lookup?.statement.Condition);
    for (const region of new Set(
      loadRunbooks(root).flatMap((rb) => [rb.spec.source.region, rb.spec.target.region]),
    ))
      expect(regions).toContain(region);
  });

  it('creates one Scheduler schedule per runbook schedule entry, with its timezone', () => {
    const expected = loadRunbooks(root).flatMap((rb) =>
      (rb.spec.schedule ?? []).map((e) => ({
        expr: toSchedulerExpression(e.cron),
        tz: e.timezone,
        runbook: rb.name,
      })),
    );
    expect(expected.length).toBeGreaterThan(0);
    const schedules = resourcesOfType(template, 'AWS::Scheduler::Schedule').map(([, s]) => s.Properties);
    const drills = schedules.filter((s) => JSON.stringify(s.Target.Arn).includes('SchedulerLambdaFunction'));
    expect(drills).toHaveLength(expected.length);
    for (const entry of expected) {
      const match = drills.find(
        (s) => s.ScheduleExpression === entry.expr && JSON.parse(s.Target.Input).runbook === entry.runbook,
      );
      expect(match?.ScheduleExpressionTimezone).toBe(entry.tz);
      expect(match?.Target.RoleArn).toEqual({ 'Fn::GetAtt': ['SchedulerInvokeRole', 'Arn'] });
    }
    const hourly = schedules.filter((s) => JSON.stringify(s.Target.Arn).includes('ProtectLambdaFunction'));
    expect(hourly.map((s) => s.ScheduleExpression)).toEqual(['rate(1 hour)']);
  });

  it('grants no Action "*" or "<service>:*" in any IAM statement', () => {
    const statements = iamStatements(template);
    expect(statements.length).toBeGreaterThan(10);
    for (const { statement, where } of statements) {
      for (const action of [statement.Action ?? []].flat()) {
        expect(action, where).not.toBe('*');
        expect(action, where).not.toMatch(/:\*$/);
      }
      expect(statement.NotAction, where).toBeUndefined();
    }
  });

  it('never allows a mutating EC2 action on Resource "*" unless a tag condition constrains it', () => {
    const offenders = iamStatements(template).filter(({ statement }) => {
      const actions = [statement.Action ?? []].flat();
      const resources = [statement.Resource ?? []].flat();
      const mutating = actions.some((a) => MUTATING_EC2_ACTIONS.includes(a as string));
      return mutating && resources.includes('*') && !hasTagCondition(statement);
    });
    expect(offenders.map((o) => o.where)).toEqual([]);
  });

  it('launches only instances tagged with a run id and terminates only run-owned instances', () => {
    const worker = iamStatements(template).filter((s) => s.where.startsWith('WorkerRole'));
    const launch = worker.find((s) => s.statement.Sid === 'LaunchTaggedInstances')?.statement;
    expect(launch?.Condition).toEqual({ Null: { 'aws:RequestTag/drbot:run-id': 'false' } });
    const terminating = worker.filter(({ statement }) =>
      [statement.Action].flat().includes('ec2:TerminateInstances'),
    );
    expect(terminating.length).toBeGreaterThan(0);
    for (const { statement } of terminating) {
      expect(statement.Condition).toEqual({ Null: { 'aws:ResourceTag/drbot:run-id': 'false' } });
    }
  });

  it('lets network.replicate create only drbot-tagged network resources and change only those', () => {
    const worker = iamStatements(template).filter((s) => s.where.startsWith('WorkerRole'));
    const create = worker.find((s) => s.statement.Sid === 'CreateTaggedNetwork')?.statement;
    expect([create?.Action].flat()).toContain('ec2:CreateVpc');
    expect(create?.Condition).toEqual({ Null: { 'aws:RequestTag/drbot:source-id': 'false' } });
    const change = worker.find((s) => s.statement.Sid === 'ChangeOwnNetwork')?.statement;
    expect([change?.Action].flat()).toContain('ec2:CreateRoute');
    expect(change?.Condition).toEqual({ Null: { 'aws:ResourceTag/drbot:source-id': 'false' } });
    // no other role may touch networks
    const elsewhere = iamStatements(template).filter(
      ({ statement, where }) =>
        !where.startsWith('WorkerRole') && [statement.Action].flat().includes('ec2:CreateVpc'),
    );
    expect(elsewhere).toEqual([]);
  });

  it("scopes ssm:SendCommand to drbot's documents and instances", () => {
    for (const { statement, where } of iamStatements(template)) {
      if (![statement.Action].flat().includes('ssm:SendCommand')) continue;
      const resources = [statement.Resource].flat().map((r) => JSON.stringify(r));
      expect(resources, where).not.toContain('"*"');
      expect(
        resources.some((r) => r.includes(':document/Drbot*')),
        where,
      ).toBe(true);
      for (const r of resources) expect(r, where).toMatch(/document\/Drbot\*|:instance\/\*/);
    }
  });

  it('lets only the worker and protect functions touch EC2', () => {
    for (const { statement, where } of iamStatements(template)) {
      if (!where.startsWith('SlackRole') && !where.startsWith('SchedulerRole')) continue;
      for (const action of [statement.Action].flat())
        expect(action, where).not.toMatch(/^(ec2:|ssm:SendCommand|iam:)/);
    }
  });
});

/** Run inside the unpacked package: import the handler and feed it a signed url_verification. */
const INVOKE = `
import { createHmac } from 'node:crypto';
const { handler } = await import(process.env.HANDLER);
const body = JSON.stringify({ type: 'url_verification', challenge: 'bundled-ok' });
const ts = Math.floor(Date.now() / 1000);
const sig = 'v0=' + createHmac('sha256', 'bundle-secret').update('v0:' + ts + ':' + body).digest('hex');
const res = await handler({ version: '2.0', routeKey: 'POST /slack/events', rawPath: '/slack/events', rawQueryString: '',
  headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sig },
  requestContext: { http: { method: 'POST', path: '/slack/events' } }, body, isBase64Encoded: false }, {});
console.log(JSON.stringify(res));
// Bolt verifies the token with auth.test in the background (no network here): do not wait for it.
process.exit(0);
`;

const SDK_MODE_OF = (require('../../serverless/sdk-packaging.cjs') as { SDK_MODE: Record<string, string> })
  .SDK_MODE;

describe('the packaged worker function', () => {
  it("ships the agent's SSM documents where agentDocuments() finds them in a bundle", async () => {
    const taskRoot = join(out, 'worker-task');
    const entries = unzip(join(out, 'pkg', 'worker.zip'), taskRoot);
    expect(entries).toContain('bot/lambda/worker.mjs');
    expect(entries).toContain('agent/documents/DrbotHealth.yaml');
    // Bundled like the worker (the module no longer sits in agent/), run from the task root
    // (Lambda's working directory): the default lookup must still find the shipped documents.
    const probe = join(taskRoot, 'bot/lambda/probe.mjs');
    await build({
      stdin: {
        contents: `import { agentDocuments } from ${JSON.stringify(join(process.cwd(), 'agent/commands.ts'))};
console.log(agentDocuments().map((d) => d.name).join(','));`,
        resolveDir: process.cwd(),
        loader: 'ts',
      },
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: probe,
      logLevel: 'silent',
    });
    // Imported, as Lambda's runtime imports a handler (the bundle is not the main module).
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', `await import(${JSON.stringify(probe)});`],
      { cwd: taskRoot, timeout: 60_000 },
    );
    expect(stdout).toContain('DrbotHealth');
  });

  it('imports in a fresh node with every client it runs linked, and no runbook parser', async () => {
    const taskRoot = join(out, 'worker-import');
    unzip(join(out, 'pkg', 'worker.zip'), taskRoot);
    const file = join(taskRoot, 'bot/lambda/worker.mjs');
    const code = readFileSync(file, 'utf8');
    if (SDK_MODE_OF.worker === 'bundled') {
      // the data tier is linked statically where the SDK is bundled (data-tier-modules.bundled.ts)
      for (const ns of ['ec2', 'ssm', 'route53', 'rds', 'drs', 's3', 'cloudwatch']) {
        expect(code, ns).toContain(`com.amazonaws.${ns}`);
      }
    }
    // runs advance from their snapshots: the YAML parser and the schema validator stay out
    expect(code).not.toContain('Implicit map keys need to be');
    expect(code).not.toContain('strictSchema');
    expect(await handlerTypeIn(file, taskRoot)).toBe('function');
  });
});

describe('the AWS SDK per function (serverless/sdk-packaging.cjs)', () => {
  const { SDK_MODE, DEFERRED } = require('../../serverless/sdk-packaging.cjs') as {
    SDK_MODE: Record<string, 'external' | 'bundled'>;
    DEFERRED: Record<string, string[]>;
  };

  it('bundles the SDK where the table says bundled and imports the runtime one elsewhere, within 1.5 MiB', () => {
    const modes = Object.entries(SDK_MODE);
    expect(modes.map(([fn]) => fn).sort()).toEqual(['events', 'protect', 'scheduler', 'slack', 'worker']);
    for (const [fn, mode] of modes) {
      const taskRoot = join(out, `sdk-${fn}`);
      unzip(join(out, 'pkg', `${fn}.zip`), taskRoot);
      const file = join(taskRoot, `bot/lambda/${fn}.mjs`);
      const code = readFileSync(file, 'utf8');
      // an external SDK stays an import of the runtime's package; a bundled one leaves none
      expect(/from\s*["']@aws-sdk\//.test(code), `${fn} (${mode})`).toBe(mode === 'external');
      expect(statSync(file).size, fn).toBeLessThanOrEqual(1.5 * 1024 * 1024);
      expect(readdirSync(taskRoot), fn).not.toContain('node_modules');
      // packages loaded at first use are required there, not imported at the top (cold start)
      for (const pkg of mode === 'external' ? (DEFERRED[fn] ?? []) : []) {
        expect(code, `${fn}: ${pkg}`).toContain(JSON.stringify(pkg));
        expect(code.includes(`from${JSON.stringify(pkg)}`), `${fn}: ${pkg}`).toBe(false);
      }
    }
  });
});

describe('the packaged protect function', () => {
  it('links EC2 and RDS only (no SSM or Route 53 client) and imports in a fresh node', async () => {
    const taskRoot = join(out, 'protect-task');
    unzip(join(out, 'pkg', 'protect.zip'), taskRoot);
    const file = join(taskRoot, 'bot/lambda/protect.mjs');
    const code = readFileSync(file, 'utf8');
    // the services' schema namespaces: present in a bundle exactly when their clients are linked
    expect(code).toContain('com.amazonaws.ec2');
    expect(code).toContain('com.amazonaws.rds');
    expect(code).not.toContain('com.amazonaws.ssm');
    expect(code).not.toContain('com.amazonaws.route53');
    expect(await handlerTypeIn(file, taskRoot)).toBe('function');
  });
});

describe('the packaged slack function', () => {
  let taskRoot: string;
  let entries: string[];

  beforeAll(() => {
    taskRoot = join(out, 'task');
    entries = unzip(join(out, 'pkg', 'slack.zip'), taskRoot);
  });

  it('contains the ESM handler and the runbooks, and not the simulated world', () => {
    expect(entries).toContain('bot/lambda/slack.mjs');
    // every shipped runbook, whatever runbooks/ holds (no names or counts)
    const shipped = readdirSync('runbooks')
      .filter((f) => f.endsWith('.yaml'))
      .map((f) => `runbooks/${f}`);
    expect(shipped.length).toBeGreaterThan(0);
    for (const file of shipped) expect(entries).toContain(file);
    expect(entries.filter((e) => e.startsWith('runbooks/sim/'))).toEqual([]);
  });

  it('imports in a fresh node and answers a signed request', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', INVOKE], {
      cwd: taskRoot,
      timeout: 60_000,
      env: {
        PATH: process.env.PATH ?? '',
        HANDLER: join(taskRoot, 'bot/lambda/slack.mjs'),
        LAMBDA_TASK_ROOT: taskRoot,
        AWS_REGION: 'us-west-2',
        DRBOT_TABLE: 'drbot-ci-RunTable',
        DRBOT_QUEUE_URL: 'https://sqs.us-west-2.amazonaws.com/123456789012/drbot-ci-WorkQueue',
        DRBOT_REGION: 'us-west-2',
        DRBOT_RUNBOOK_DIR: 'runbooks',
        SLACK_SIGNING_SECRET: 'bundle-secret',
        SLACK_BOT_TOKEN: 'xoxb-bundle',
      },
    });
    const response = JSON.parse(stdout.trim().split('\n').pop() ?? '{}');
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ challenge: 'bundled-ok' });
  });
});

/** `typeof handler` of a bundle imported in a fresh node, from its unpacked task root. */
async function handlerTypeIn(file: string, taskRoot: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const m = await import(${JSON.stringify(file)}); console.log(typeof m.handler);`,
    ],
    { cwd: taskRoot, timeout: 60_000, env: { PATH: process.env.PATH ?? '', AWS_REGION: 'us-west-2' } },
  );
  return stdout.trim();
}

function hasTagCondition(statement: IamStatement): boolean {
  return (
    JSON.stringify(statement.Condition ?? {}).match(
      /aws:(Request|Resource)Tag\/|ec2:CreateAction|aws:TagKeys/,
    ) !== null
  );
}
