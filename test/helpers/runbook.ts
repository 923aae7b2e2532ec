/**
 * Builds validated-looking Runbook objects directly in TypeScript for engine tests, so they do
 * not depend on the YAML loader. Defaults: onFailure 'abort', needs [], with {}, no cleanup.
 */
import { createHash } from 'node:crypto';
import type {
  ApprovalGate,
  Mode,
  ModeSpec,
  Principals,
  Runbook,
  RunbookSpec,
  StepSpec,
} from '../../engine/runbook/types.js';

/** A step with only id and action required. */
export type StepInput = Partial<StepSpec> & { id: string; action: string };

export interface ModeInput {
  steps: StepInput[];
  cleanup?: StepInput[];
}

export interface RunbookInput {
  name?: string;
  /** Shorthand for `modes.drill.steps`. */
  steps?: StepInput[];
  /** Shorthand for `modes.drill.cleanup`. */
  cleanup?: StepInput[];
  modes?: Partial<Record<Mode, ModeInput>>;
  access?: Partial<Record<Mode, Principals>>;
  owners?: Principals;
  approvals?: Record<string, Partial<ApprovalGate>>;
  objectives?: RunbookSpec['objectives'];
  defaults?: RunbookSpec['defaults'];
  dns?: RunbookSpec['dns'];
  params?: RunbookSpec['params'];
  /** `spec.provider` (absent: aws). */
  provider?: string;
  commit?: RunbookSpec['commit'];
}

export function makeStep(input: StepInput): StepSpec {
  return { with: {}, needs: [], onFailure: 'abort', ...input };
}

function makeMode(input: ModeInput): ModeSpec {
  return { steps: input.steps.map(makeStep), cleanup: (input.cleanup ?? []).map(makeStep) };
}

export function makeRunbook(input: RunbookInput = {}): Runbook {
  const modes: Partial<Record<Mode, ModeSpec>> = {};
  if (input.steps) modes.drill = makeMode({ steps: input.steps, cleanup: input.cleanup });
  for (const [mode, spec] of Object.entries(input.modes ?? {})) {
    if (spec) modes[mode as Mode] = makeMode(spec);
  }
  const approvals: Record<string, ApprovalGate> = {};
  for (const [name, gate] of Object.entries(input.approvals ?? {})) {
    approvals[name] = { required: 2, excludeInitiator: true, approvers: { groups: ['SRE'] }, ...gate };
  }
  const spec: RunbookSpec = {
    source: { region: 'us-east-1' },
    target: { region: 'us-west-2' },
    objectives: input.objectives ?? { rto: '15m', rpo: '1h' },
    protect: { tags: { 'dr-tier': 'app' } },
    access: input.access ?? {
      drill: { users: ['*'] },
      failover: { groups: ['OPS'] },
      failback: { groups: ['OPS'] },
    },
    owners: input.owners ?? { users: ['owner'] },
    approvals,
    schedule: [],
    ...(input.defaults ? { defaults: input.defaults } : {}),
    ...(input.dns ? { dns: input.dns } : {}),
    ...(input.params ? { params: input.params } : {}),
    ...(input.provider ? { provider: input.provider } : {}),
    ...(input.commit ? { commit: input.commit } : {}),
    modes,
  };
  const document = {
    apiVersion: 'drbot/v1' as const,
    kind: 'Runbook' as const,
    metadata: { name: input.name ?? 'app-tier' },
    spec,
  };
  const hash = createHash('sha256').update(JSON.stringify(document)).digest('hex');
  return { ...document, file: '<test>', hash };
}
