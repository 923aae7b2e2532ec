/**
 * The "Adding an action" recipe of engine/ARCHITECTURE.md, followed for a throwaway family in a
 * temporary folder: one module, and the manifest, lint, the reference, the registry and the IAM
 * generator all pick it up without any list being edited.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS_DIR, scanActionModules } from '../../../bot/cli/action-manifest.js';
import { ACTION_MODULES } from '../../../engine/actions/catalogue.js';
import { MANIFEST_FILE, renderActionManifest } from '../../../engine/actions/manifest.js';
import { createActionRegistry } from '../../../engine/actions/registry.js';
import type { ActionModule } from '../../../engine/actions/types.js';
import type { CloudProvider } from '../../../engine/cloud/provider.js';
import { checkRunbook } from '../../../engine/runbook/index.js';
import { renderReference } from '../../../engine/runbook/reference.js';

const require = createRequire(import.meta.url);
const { iamResources } = require('../../../serverless/iam.cjs') as {
  iamResources: (
    runbooks: unknown[],
    service: string,
    stage: string,
    modules?: unknown[],
  ) => Record<string, Role>;
};
interface Role {
  Properties: { Policies: { PolicyDocument: { Statement: { Sid: string; Action: string[] }[] } }[] };
}

const TYPES = pathToFileURL(join(ACTIONS_DIR, 'types.ts')).href;
const MODULE = `/** widgets.count: counts the widgets of the protected side (a throwaway recipe action). */
import { defineAction } from '${TYPES}';

export function countHelper(n: number): number {
  return n;
}

export default defineAction({
  name: 'widgets.count',
  description: 'Counts the widgets.',
  inputSchema: { type: 'object', additionalProperties: false, properties: { max: { type: 'integer' } } },
  outputs: { count: 'How many widgets there are.' },
  capabilities: ['compute'],
  permissions: { aws: [{ statement: 'DescribeFleet', actions: ['ec2:DescribeWidgets'] }] },
  handler: () => ({ start: async () => ({ status: 'done', outputs: { count: countHelper(3) } }) }),
});
`;

const RUNBOOK = readFileSync('test/fixtures/runbooks/valid/minimal.yaml', 'utf8').replace(
  '      cleanup:\n',
  '        - id: widgets\n          action: widgets.count\n          with: { max: 5 }\n      cleanup:\n',
);

let root: string;
let widgets: ActionModule;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'drbot-recipe-'));
  mkdirSync(join(root, 'widgets'));
  writeFileSync(join(root, 'widgets', 'count.ts'), MODULE);
  // a helper with named exports only is not an action
  writeFileSync(join(root, 'widgets', 'shared.ts'), 'export const WIDGET = 1;\n');
  widgets = (
    (await import(pathToFileURL(join(root, 'widgets', 'count.ts')).href)) as { default: ActionModule }
  ).default;
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('adding an action family (the ARCHITECTURE.md recipe)', () => {
  it('is found by the manifest generator: default exports only', () => {
    expect(scanActionModules(root)).toEqual(['widgets/count.ts']);
    expect(renderActionManifest(scanActionModules(root))).toContain(
      "import widgetsCount from './widgets/count.js';",
    );
  });

  it('is checked by lint: unknown before, accepted after, refused on a provider without its capability', () => {
    const modules = [...ACTION_MODULES, widgets];
    expect(checkRunbook(RUNBOOK, 'w.yaml').issues.map((i) => i.code)).toEqual(['UNKNOWN_ACTION']);
    expect(checkRunbook(RUNBOOK, 'w.yaml', { actions: modules }).issues).toEqual([]);
    const noCompute = [{ name: 'aws', title: 'test', capabilities: ['recoveryPoints', 'commands'] as const }];
    const codes = checkRunbook(RUNBOOK, 'w.yaml', {
      actions: modules,
      providers: noCompute.map((p) => ({ ...p, capabilities: [...p.capabilities] })),
    }).issues.map((i) => i.code);
    expect(codes).toContain('CAPABILITY_MISSING');
  });

  it('is documented by the reference with its inputs and outputs', () => {
    const reference = renderReference([...ACTION_MODULES, widgets]);
    expect(reference).toContain('#### `widgets.count`');
    expect(reference).toContain('How many widgets there are.');
  });

  it('is bound by the registry from its own handler factory', async () => {
    // the handler never calls the cloud: an empty provider is enough
    const cloud = { name: 'none' } as CloudProvider;
    const registry = createActionRegistry({ cloud, modules: [...ACTION_MODULES, widgets] });
    const handler = registry.get('widgets.count')?.handler;
    const result = await handler?.start({ note: () => {} } as never);
    expect(result).toEqual({ status: 'done', outputs: { count: 3 } });
  });

  it('is granted by the IAM generator from its own declaration, only when a runbook uses it', () => {
    const runbook = checkRunbook(RUNBOOK, 'w.yaml', { actions: [...ACTION_MODULES, widgets] }).runbook!;
    const describeFleet = (runbooks: unknown[]) =>
      iamResources(runbooks, 'drbot', 'ci', [
        ...ACTION_MODULES,
        widgets,
      ]).WorkerRole!.Properties.Policies[0]!.PolicyDocument.Statement.find((s) => s.Sid === 'DescribeFleet')
        ?.Action;
    expect(describeFleet([{ name: 'w', spec: runbook.spec }])).toContain('ec2:DescribeWidgets');
    const without = { ...runbook.spec, modes: { failover: runbook.spec.modes.failover } };
    expect(describeFleet([{ name: 'w', spec: without }]) ?? []).not.toContain('ec2:DescribeWidgets');
  });
});

describe('the action manifest', () => {
  it('lists exactly the action modules under engine/actions (run `npm run docs` after adding one)', () => {
    const current = readFileSync(join(ACTIONS_DIR, MANIFEST_FILE), 'utf8');
    expect(current).toBe(renderActionManifest(scanActionModules()));
  });

  it('gives every action a module of its own, named after the action', () => {
    for (const path of scanActionModules()) {
      const module = ACTION_MODULES.find(
        (m) =>
          m.name.split('.').at(-1)?.toLowerCase() ===
          path.split('/')[1]?.replace(/\.ts$/, '').replaceAll('-', ''),
      );
      expect(module, path).toBeDefined();
    }
  });
});
