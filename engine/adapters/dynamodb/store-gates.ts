/**
 * Approval gates on DynamoDB, one item per gate (PK `RUN#<runId>`, SK `GATE#<stepKey>`), built on
 * single-item conditional updates only:
 *
 * 1. An approval is ONE UpdateItem that appends `{user, at}` to `approvals` and adds the user to
 *    the string set `approvers`, on condition
 *    `attribute_exists(PK) AND attribute_not_exists(decision) AND NOT contains(approvers, :user)
 *    AND size(approvals) < required`. The same user can never be counted twice, nobody is counted
 *    on a decided gate, and the list never holds more than `required` approvals.
 * 2. When the returned item has `required` approvers, a second conditional update writes the
 *    decision on `attribute_not_exists(decision)`. Only the append that filled the quorum gets
 *    here (the size condition refuses later ones), so its caller sees `opened: true`; a caller
 *    that finds a full quorum without a decision writes the decision and is not counted.
 *
 * If a process dies between 1 and 2, the next click (even a repeated one) writes the decision.
 */

import { ConflictError } from '../../errors.js';
import type { ApprovalWrite } from '../../ports.js';
import type { GateRecord } from '../../run.js';
import { gateNotFoundError } from '../memory/store-errors.js';
import type { DynamoItems, Item } from './items.js';
import { keys } from './keys.js';

type Decision = NonNullable<GateRecord['decision']>;

/** Conditional writes lost to a change we cannot explain are retried this many times. */
const MAX_ATTEMPTS = 3;

export async function openGate(items: DynamoItems, gate: GateRecord): Promise<GateRecord> {
  const key = keys.gate(gate.runId, gate.stepKey);
  const approvers = gate.approvals.map((approval) => approval.user);
  const item: Item = {
    ...key,
    runId: gate.runId,
    stepKey: gate.stepKey,
    gate: gate.gate,
    required: gate.required,
    approvals: gate.approvals,
    // DynamoDB sets cannot be empty: the attribute appears with the first approver.
    approvers: approvers.length > 0 ? new Set(approvers) : undefined,
    decision: gate.decision,
  };
  if (await items.put('openGate', item, { expression: 'attribute_not_exists(PK)' })) return toGate(item);
  const stored = await items.get(key);
  if (stored === undefined) throw gateVanishedError(gate.runId, gate.stepKey);
  return toGate(stored);
}

export async function getGate(
  items: DynamoItems,
  runId: string,
  stepKey: string,
): Promise<GateRecord | undefined> {
  const item = await items.get(keys.gate(runId, stepKey));
  return item === undefined ? undefined : toGate(item);
}

export async function recordApproval(
  items: DynamoItems,
  runId: string,
  stepKey: string,
  user: string,
  at: number,
): Promise<ApprovalWrite> {
  const key = keys.gate(runId, stepKey);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const updated = await items.update(
      'recordApproval',
      key,
      {
        UpdateExpression:
          'SET approvals = list_append(if_not_exists(approvals, :none), :entry) ADD approvers :users',
      },
      {
        expression:
          'attribute_exists(PK) AND attribute_not_exists(decision) AND NOT contains(approvers, :user) AND size(approvals) < #required',
        names: { '#required': 'required' },
        values: { ':none': [], ':entry': [{ user, at }], ':users': new Set([user]), ':user': user },
      },
    );
    if (updated !== undefined) {
      const gate = toGate(updated);
      if (gate.approvals.length < gate.required) return { counted: true, gate, opened: false };
      const decided = await writeDecision(items, key, { outcome: 'approved', by: user, at });
      if (decided !== undefined) return { counted: true, gate: toGate(decided), opened: true };
      return { counted: true, gate: await mustGet(items, runId, stepKey), opened: false };
    }
    const gate = await mustGet(items, runId, stepKey);
    if (gate.approvals.some((approval) => approval.user === user)) {
      const repaired = await completeInterruptedOpening(items, gate, user, at);
      return { counted: false, reason: 'already-approved', gate: repaired };
    }
    if (gate.decision !== undefined) return { counted: false, reason: 'gate-closed', gate };
    if (gate.approvals.length >= gate.required) {
      // The quorum is full but its decision write was lost (or is racing): complete it, and this
      // approver is not counted — a gate never holds more than `required` approvals.
      const repaired = await completeInterruptedOpening(items, gate, user, at);
      return { counted: false, reason: 'gate-closed', gate: repaired };
    }
  }
  throw new ConflictError(
    `The approval of ${user} on step ${stepKey} of run ${runId} could not be recorded.`,
    {
      code: 'GATE_WRITE_CONFLICT',
      explanation: `The conditional update failed ${MAX_ATTEMPTS} times although the gate is open and the user has not approved.`,
      action: 'Click approve again; if it keeps failing, check the gate item in the table.',
      context: { runId, stepId: stepKey, user },
    },
  );
}

export async function decideGate(
  items: DynamoItems,
  runId: string,
  stepKey: string,
  decision: Decision,
): Promise<{ applied: boolean; gate: GateRecord }> {
  const decided = await writeDecision(items, keys.gate(runId, stepKey), decision, 'decideGate');
  if (decided !== undefined) return { applied: true, gate: toGate(decided) };
  return { applied: false, gate: await mustGet(items, runId, stepKey) };
}

/** The approvals reached `required` but the decision write never happened (crash): write it now. */
async function completeInterruptedOpening(
  items: DynamoItems,
  gate: GateRecord,
  user: string,
  at: number,
): Promise<GateRecord> {
  if (gate.decision !== undefined || gate.approvals.length < gate.required) return gate;
  const decided = await writeDecision(items, keys.gate(gate.runId, gate.stepKey), {
    outcome: 'approved',
    by: user,
    at,
  });
  return decided === undefined ? await mustGet(items, gate.runId, gate.stepKey) : toGate(decided);
}

function writeDecision(
  items: DynamoItems,
  key: ReturnType<typeof keys.gate>,
  decision: Decision,
  operation: 'recordApproval' | 'decideGate' = 'recordApproval',
): Promise<Item | undefined> {
  return items.update(
    operation,
    key,
    { UpdateExpression: 'SET decision = :decision' },
    {
      expression: 'attribute_exists(PK) AND attribute_not_exists(decision)',
      values: { ':decision': decision },
    },
  );
}

async function mustGet(items: DynamoItems, runId: string, stepKey: string): Promise<GateRecord> {
  const item = await items.get(keys.gate(runId, stepKey));
  if (item === undefined) throw gateNotFoundError(runId, stepKey);
  return toGate(item);
}

function toGate(item: Item): GateRecord {
  const gate: GateRecord = {
    runId: item.runId as string,
    stepKey: item.stepKey as string,
    gate: item.gate as string,
    required: item.required as number,
    approvals: ((item.approvals as GateRecord['approvals'] | undefined) ?? []).map((a) => ({
      user: a.user,
      at: a.at,
    })),
  };
  if (item.decision !== undefined) gate.decision = structuredClone(item.decision as Decision);
  return gate;
}

function gateVanishedError(runId: string, stepKey: string): ConflictError {
  return new ConflictError(
    `The approval gate for step ${stepKey} of run ${runId} exists but could not be read.`,
    {
      code: 'GATE_WRITE_CONFLICT',
      explanation: 'Creating the gate failed because it existed, yet reading it right after found nothing.',
      action: 'Retry; gates are never deleted by drbot, so check whether someone edited the table by hand.',
      context: { runId, stepId: stepKey },
    },
  );
}
