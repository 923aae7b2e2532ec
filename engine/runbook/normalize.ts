/**
 * Applies the schema's defaults to schema-valid data, producing the typed document. Runs only after
 * stage 2 passed, so the casts here are backed by validation.
 */
import type {
  ApprovalGate,
  CompensateSpec,
  Mode,
  ModeSpec,
  RetryPolicy,
  RunbookDocument,
  ScheduleEntry,
  StepSpec,
} from './types.js';
import { MODES } from './types.js';

type Raw = Record<string, unknown>;

function normalizeStep(raw: Raw): StepSpec {
  const step: StepSpec = {
    ...(raw as unknown as StepSpec),
    with: (raw.with as Record<string, unknown> | undefined) ?? {},
    needs: (raw.needs as string[] | undefined) ?? [],
    onFailure: (raw.onFailure as StepSpec['onFailure'] | undefined) ?? 'abort',
  };
  if (raw.retry) {
    const retry = raw.retry as Partial<RetryPolicy>;
    step.retry = {
      ...retry,
      maxAttempts: retry.maxAttempts ?? 1,
      initialInterval: retry.initialInterval ?? '1s',
      backoffCoefficient: retry.backoffCoefficient ?? 2,
    };
  }
  if (raw.compensate) {
    const compensate = raw.compensate as CompensateSpec;
    step.compensate = { ...compensate, with: compensate.with ?? {} };
  }
  return step;
}

function normalizeMode(raw: Raw): ModeSpec {
  return {
    steps: (raw.steps as Raw[]).map(normalizeStep),
    cleanup: ((raw.cleanup as Raw[] | undefined) ?? []).map(normalizeStep),
  };
}

export function normalize(data: unknown): RunbookDocument {
  const doc = data as RunbookDocument;
  const spec = doc.spec as unknown as Raw;
  const modes: Partial<Record<Mode, ModeSpec>> = {};
  const rawModes = spec.modes as Partial<Record<Mode, Raw>>;
  for (const mode of MODES) {
    const raw = rawModes[mode];
    if (raw) modes[mode] = normalizeMode(raw);
  }
  // No prototype: a gate named `constructor` or `__proto__` is a plain name.
  const approvals: Record<string, ApprovalGate> = Object.create(null);
  for (const [name, gate] of Object.entries((spec.approvals as Record<string, Raw> | undefined) ?? {}))
    approvals[name] = {
      ...(gate as unknown as ApprovalGate),
      excludeInitiator: gate.excludeInitiator !== false,
    };
  const schedule = ((spec.schedule as Raw[] | undefined) ?? []).map(
    (entry) => ({ ...entry, auto: entry.auto !== false }) as unknown as ScheduleEntry,
  );
  return {
    ...doc,
    spec: {
      ...doc.spec,
      access: doc.spec.access ?? {},
      approvals,
      schedule,
      modes,
    },
  };
}
