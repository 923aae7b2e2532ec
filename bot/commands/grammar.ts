/**
 * The one command grammar shared by Slack (`/dr …`) and the terminal shell. Parsing is total:
 * any input gives either a typed command or a usage error that names what was wrong and shows
 * the right usage, so a typo never starts anything.
 */
import { MODES, type Mode } from '../../engine/runbook/types.js';
import { hasControl, visible } from '../render/visible.js';
import { tokenize } from './tokens.js';

/** Where a command was typed: approvals are buttons in Slack, words in the shell. */
export type Surface = 'slack' | 'shell';

export type Command =
  | { kind: 'start'; mode: Mode; runbook: string; params: Record<string, string> }
  | { kind: 'plan'; runbook: string; mode: Mode }
  | { kind: 'doctor'; runbook: string }
  | { kind: 'status'; runId?: string }
  | { kind: 'timeline'; runId: string }
  | { kind: 'runs' }
  | { kind: 'abort'; runId: string; reason?: string }
  | { kind: 'list' }
  | { kind: 'help'; topic?: string }
  | { kind: 'approve'; runId: string; stepKey?: string }
  | { kind: 'reject'; runId: string; stepKey?: string; reason?: string }
  | { kind: 'confirm'; runId: string; stepKey: string }
  | { kind: 'commit'; runId: string }
  | { kind: 'switch-point'; runId: string; point: string }
  | { kind: 'reprotect'; runbook: string }
  | { kind: 'points'; runbook: string };

export interface UsageError {
  /** What was wrong with the input, one sentence. */
  problem: string;
  /** The right usage line(s) for what the person seemed to try. */
  usage: string[];
}

export type ParseResult = { ok: true; command: Command } | { ok: false; error: UsageError };

interface Verb {
  usage: string;
  summary: string;
  /** Surfaces where the verb exists; absent means every surface. */
  only?: Surface;
}

/** Every verb, in the order `help` lists them. */
export const VERBS: Readonly<Record<string, Verb>> = {
  drill: { usage: 'drill <runbook> [key=value…]', summary: 'Rehearse the recovery; cleans up after itself.' },
  failover: {
    usage: 'failover <runbook> [point=<id|ISO time|latest|latest-app-consistent>]',
    summary: 'Real CUTOVER to the target region (needs approvals); waits for `commit` after.',
  },
  commit: {
    usage: 'commit <runId>',
    summary: 'Accept an uncommitted failover (cutover approvers, not the initiator alone).',
  },
  'switch-point': {
    usage: 'switch-point <runId> <point>',
    summary: 'Recover an uncommitted failover from an earlier point (see `points`).',
  },
  reprotect: {
    usage: 'reprotect <runbook>',
    summary: 'After commit: protect the recovered instances back toward the source region.',
  },
  failback: {
    usage: 'failback <runbook>',
    summary: 'Return to the source region (after commit and reprotect; needs approvals).',
  },
  points: {
    usage: 'points <runbook>',
    summary: 'Recovery points per instance: time, age, consistency, region.',
  },
  plan: {
    usage: 'plan <drill|failover|failback> <runbook>',
    summary: 'Show the plan without acting (`plan <runbook> <mode>` works too).',
  },
  doctor: {
    usage: 'doctor <runbook>',
    summary: 'Readiness: what would make a drill or failover fail, each with a remedy. Starts nothing.',
  },
  status: {
    usage: 'status [runId]',
    summary:
      'One run (`last` = the newest; the end of an id is enough), a tier (`status <runbook>`), or those in flight.',
  },
  runs: { usage: 'runs', summary: 'Recent runs, newest first: start, duration, mode, outcome.' },
  timeline: {
    usage: 'timeline <runId>',
    summary: 'The audit trail and a chart of step timings, critical path marked.',
  },
  abort: { usage: 'abort <runId> [reason…]', summary: 'Stop a run (initiator or runbook owners).' },
  list: { usage: 'list', summary: 'Runbooks, their objectives and the last drill.' },
  help: { usage: 'help [command]', summary: 'This help.' },
  approve: { usage: 'approve <runId> [stepKey]', summary: 'Approve a waiting gate.', only: 'shell' },
  reject: { usage: 'reject <runId> [stepKey] [reason…]', summary: 'Reject a waiting gate.', only: 'shell' },
  confirm: { usage: 'confirm <runId> <stepKey>', summary: 'Confirm a manual step is done.', only: 'shell' },
};

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
const POINT = /^[A-Za-z0-9][A-Za-z0-9_:.+-]{0,127}$/;
const STEP_KEY = /^[A-Za-z0-9][A-Za-z0-9:._-]{0,127}$/;
const PARAM_KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
const MAX_INPUT = 4000;
/** Names that would reach Object.prototype instead of the parameters. */
const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The usage line of a verb with the surface's prefix (`/dr ` in Slack). */
export function usageOf(verb: string, surface: Surface): string {
  const prefix = surface === 'slack' ? '/dr ' : '';
  return `${prefix}${VERBS[verb]?.usage ?? verb}`;
}

/** Usage lines of every verb available on the surface. */
export function allUsages(surface: Surface): string[] {
  return Object.entries(VERBS)
    .filter(([, v]) => !v.only || v.only === surface)
    .map(([name]) => usageOf(name, surface));
}

function fail(problem: string, usage: string[]): ParseResult {
  return { ok: false, error: { problem, usage } };
}

function ok(command: Command): ParseResult {
  return { ok: true, command };
}

/** Parses one line; a leading `/dr` is optional on every surface. Never throws. */
export function parseCommand(input: string, surface: Surface): ParseResult {
  if (typeof input !== 'string') return fail('The command is empty.', allUsages(surface));
  if (input.length > MAX_INPUT) {
    return fail(`The command is ${input.length} characters long; at most ${MAX_INPUT} are read.`, [
      usageOf('help', surface),
    ]);
  }
  if (hasControl(input.replace(/[\r\n]+$/, ''))) {
    return fail(
      `The command contains control characters (shown escaped: ${clip(visible(input.trim()))}); drbot reads printable text only.`,
      [usageOf('help', surface)],
    );
  }
  const lexed = tokenize(input);
  if (!lexed.ok) return fail(lexed.problem, allUsages(surface));
  const tokens = lexed.tokens[0]?.toLowerCase() === '/dr' ? lexed.tokens.slice(1) : lexed.tokens;
  const [head, ...args] = tokens;
  if (head === undefined) return fail('The command is empty.', allUsages(surface));
  const verb = head.toLowerCase();
  const spec = Object.hasOwn(VERBS, verb) ? VERBS[verb] : undefined;
  if (!spec) {
    return fail(`"${clip(head)}" is not a drbot command.`, allUsages(surface));
  }
  if (spec.only && spec.only !== surface) {
    return fail(
      `"${verb}" is typed in the terminal shell; in Slack use the buttons on the approval message.`,
      allUsages(surface),
    );
  }
  const usage = [usageOf(verb, surface)];
  switch (verb) {
    case 'drill':
    case 'failover':
    case 'failback':
      return parseStart(verb, args, usage);
    case 'plan': {
      // Either order: mode words are never runbook names, so the mode is whichever word is one.
      const [first, second, ...extra] = args;
      const modeFirst = first !== undefined && isMode(first.toLowerCase());
      const [mode, runbook] = modeFirst ? [first, second] : [second, first];
      if (runbook === undefined) return fail('Which runbook? The runbook name is missing.', usage);
      if (!NAME.test(runbook)) return fail(`"${clip(runbook)}" is not a runbook name.`, usage);
      if (mode === undefined) return fail('Which mode? Give drill, failover or failback.', usage);
      const lowered = mode.toLowerCase();
      // neither word is a mode, and either order is accepted: name both rather than guess
      if (!isMode(lowered))
        return fail(
          `Neither "${clip(first ?? '')}" nor "${clip(second ?? '')}" is a mode: use drill, failover or failback.`,
          usage,
        );
      if (extra.length > 0)
        return fail(`Unexpected "${clip(extra.join(' '))}" after the runbook and mode.`, usage);
      return ok({ kind: 'plan', runbook, mode: lowered });
    }
    case 'doctor': {
      const [runbook, ...extra] = args;
      if (runbook === undefined)
        return fail('Which runbook? Say `doctor <runbook>`, e.g. doctor app-tier.', usage);
      if (!NAME.test(runbook)) return fail(`"${clip(runbook)}" is not a runbook name.`, usage);
      if (extra.length > 0) return fail(`Unexpected "${clip(extra.join(' '))}" after the runbook.`, usage);
      return ok({ kind: 'doctor', runbook });
    }
    case 'commit': {
      const [runId, ...extra] = args;
      if (runId === undefined) return fail('Which run? Give the id of the uncommitted failover.', usage);
      if (!RUN_ID.test(runId)) return fail(`"${clip(runId)}" is not a run id.`, usage);
      if (extra.length > 0) return fail(`Unexpected "${clip(extra.join(' '))}" after the run id.`, usage);
      return ok({ kind: 'commit', runId });
    }
    case 'switch-point': {
      const [runId, point, ...extra] = args;
      if (runId === undefined) return fail('Which run? Give the id of the uncommitted failover.', usage);
      if (!RUN_ID.test(runId)) return fail(`"${clip(runId)}" is not a run id.`, usage);
      if (point === undefined) return fail('Which point? `points <runbook>` lists them.', usage);
      if (!POINT.test(point)) return fail(`"${clip(point)}" is not a recovery point id or ISO time.`, usage);
      if (extra.length > 0) return fail(`Unexpected "${clip(extra.join(' '))}" after the point.`, usage);
      return ok({ kind: 'switch-point', runId, point });
    }
    case 'reprotect':
    case 'points': {
      const [runbook, ...extra] = args;
      if (runbook === undefined) return fail(`Which runbook? Say \`${verb} <runbook>\`.`, usage);
      if (!NAME.test(runbook)) return fail(`"${clip(runbook)}" is not a runbook name.`, usage);
      if (extra.length > 0) return fail(`Unexpected "${clip(extra.join(' '))}" after the runbook.`, usage);
      return ok({ kind: verb, runbook });
    }
    case 'status': {
      const [runId, ...extra] = args;
      if (extra.length > 0) return fail(`Unexpected "${clip(extra.join(' '))}" after the run id.`, usage);
      if (runId === undefined) return ok({ kind: 'status' });
      if (!RUN_ID.test(runId)) return fail(`"${clip(runId)}" is not a run id.`, usage);
      return ok({ kind: 'status', runId });
    }
    case 'timeline': {
      const [runId, ...extra] = args;
      if (runId === undefined) return fail('Which run? Give its id, the end of it, or `last`.', usage);
      if (!RUN_ID.test(runId)) return fail(`"${clip(runId)}" is not a run id.`, usage);
      if (extra.length > 0) return fail(`Unexpected "${clip(extra.join(' '))}" after the run id.`, usage);
      return ok({ kind: 'timeline', runId });
    }
    case 'runs':
    case 'list':
      if (args.length > 0) return fail(`"${verb}" takes no arguments.`, usage);
      return ok({ kind: verb });
    case 'help': {
      const [topic, ...extra] = args;
      if (extra.length > 0) return fail('Ask for help on one command at a time.', usage);
      if (topic === undefined) return ok({ kind: 'help' });
      const name = topic.toLowerCase().replace(/^\/dr$/, 'help');
      if (!Object.hasOwn(VERBS, name))
        return fail(`There is no command "${clip(topic)}".`, allUsages(surface));
      return ok({ kind: 'help', topic: name });
    }
    case 'abort': {
      const [runId, ...reason] = args;
      if (runId === undefined) return fail('Which run? The run id is missing.', usage);
      if (!RUN_ID.test(runId)) return fail(`"${clip(runId)}" is not a run id.`, usage);
      return ok({ kind: 'abort', runId, ...optionalText('reason', reason) });
    }
    case 'approve': {
      const [runId, stepKey, ...extra] = args;
      if (runId === undefined) return fail('Which run? The run id is missing.', usage);
      if (!RUN_ID.test(runId)) return fail(`"${clip(runId)}" is not a run id.`, usage);
      if (stepKey !== undefined && !STEP_KEY.test(stepKey))
        return fail(`"${clip(stepKey)}" is not a step key.`, usage);
      if (extra.length > 0) return fail(`Unexpected "${clip(extra.join(' '))}" after the step key.`, usage);
      return ok({ kind: 'approve', runId, ...(stepKey === undefined ? {} : { stepKey }) });
    }
    case 'reject': {
      // The second word is a step key candidate; the executor folds it into the reason when the
      // run has no such step, so `reject <id> too risky` reads as a reason.
      const [runId, stepKey, ...reason] = args;
      if (runId === undefined) return fail('Which run? The run id is missing.', usage);
      if (!RUN_ID.test(runId)) return fail(`"${clip(runId)}" is not a run id.`, usage);
      if (stepKey === undefined) return ok({ kind: 'reject', runId });
      if (!STEP_KEY.test(stepKey))
        return ok({ kind: 'reject', runId, reason: [stepKey, ...reason].join(' ') });
      return ok({ kind: 'reject', runId, stepKey, ...optionalText('reason', reason) });
    }
    case 'confirm': {
      const [runId, stepKey, ...extra] = args;
      if (runId === undefined) return fail('Which run? The run id is missing.', usage);
      if (!RUN_ID.test(runId)) return fail(`"${clip(runId)}" is not a run id.`, usage);
      if (stepKey === undefined) return fail('Which step? The step key is missing.', usage);
      if (!STEP_KEY.test(stepKey)) return fail(`"${clip(stepKey)}" is not a step key.`, usage);
      if (extra.length > 0) return fail(`Unexpected "${clip(extra.join(' '))}" after the step key.`, usage);
      return ok({ kind: 'confirm', runId, stepKey });
    }
    default:
      return fail(`"${clip(head)}" is not a drbot command.`, allUsages(surface));
  }
}

function parseStart(mode: Mode, args: string[], usage: string[]): ParseResult {
  const [runbook, ...rest] = args;
  if (runbook === undefined)
    return fail(`Which runbook? Say \`${mode} <runbook>\`, e.g. ${mode} app-tier.`, usage);
  if (!NAME.test(runbook)) return fail(`"${clip(runbook)}" is not a runbook name.`, usage);
  const params: Record<string, string> = {};
  for (const token of rest) {
    const eq = token.indexOf('=');
    if (eq <= 0) return fail(`"${clip(token)}" is not a key=value parameter.`, usage);
    const key = token.slice(0, eq);
    if (!PARAM_KEY.test(key) || RESERVED_KEYS.has(key))
      return fail(`"${clip(key)}" is not a parameter name.`, usage);
    if (Object.hasOwn(params, key)) return fail(`The parameter "${key}" is given twice.`, usage);
    params[key] = token.slice(eq + 1);
  }
  return ok({ kind: 'start', mode, runbook, params });
}

function isMode(text: string): text is Mode {
  return (MODES as readonly string[]).includes(text);
}

function optionalText<K extends string>(key: K, words: string[]): Partial<Record<K, string>> {
  const text = words.join(' ').trim();
  return text ? ({ [key]: text } as Partial<Record<K, string>>) : {};
}

/** Keeps echoed input short, on one line and free of control characters. */
function clip(text: string): string {
  const flat = visible(text.replace(/\s+/g, ' '));
  return flat.length > 40 ? `${flat.slice(0, 39)}…` : flat;
}
