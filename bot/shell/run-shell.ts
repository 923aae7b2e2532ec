/**
 * `drbot shell`: terminal chat on the local runtime (embedded store under `.drbot/`, simulated
 * cloud). Interactive on a TTY with a live status block; scriptable through a pipe, where it
 * runs each line in order and, when input ends, waits for runs in flight to settle before exiting.
 */
import { createInterface } from 'node:readline';
import { formatDuration } from '../../engine/duration.js';
import { NonRetryableError, toUserFacing } from '../../engine/errors.js';
import type { CidrRemap } from '../../engine/network/cidr.js';
import type { NetworkCloud } from '../../engine/network/ports.js';
import type { Directory } from '../../engine/ports.js';
import type { RunSummary } from '../../engine/run.js';
import type { Mode } from '../../engine/runbook/types.js';
import { formatBlueprint } from '../cli/commands/blueprint.js';
import { parseCidrRemap } from '../cli/commands/network.js';
import { findRunbook } from '../commands/lookup.js';
import { runTag } from '../render/history.js';
import { brokenRunbookLines } from '../runbooks/broken.js';
import { createLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from '../runtime/local.js';
import { replicateTier, replicationLines, tierBlueprints } from '../runtime/network-local.js';
import { databaseLines, protectPass } from '../runtime/protect-local.js';
import type { LocalSchedule } from '../scorecard/local-schedules.js';
import { DEFAULT_STALE_DAYS, staleDaysFromEnv } from '../scorecard/staleness.js';
import type { BotServices } from '../services.js';
import { ShellNotifier } from './notifier.js';
import { colourEnabled, createPainter } from './paint.js';
import { shellScorecardNotifier, startShellSchedules } from './schedules.js';
import { Screen } from './screen.js';
import { ShellSession } from './session.js';

export interface ShellOptions {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Embedded store directory. @default .drbot */
  dataDir?: string;
  /** Keep nothing on disk. @default false */
  inMemory?: boolean;
  /** @default runbooks */
  runbooksDir?: string;
  /** Sim latency multiplier: 0.1 makes a drill take tens of seconds. @default 0.1 */
  latencyScale?: number;
  /** Who you are at start. @default alice */
  user?: string;
  /** Redraw a live status block. @default input and output are TTYs */
  live?: boolean;
  /** When input ends, wait for runs in flight to finish or wait on people. @default true */
  waitAtEnd?: boolean;
  /** Run the runbooks' `schedule` entries in-process (croner). @default true */
  schedules?: boolean;
  /** Receives the started schedules (tests fire one with `trigger()`). */
  onSchedules?: (schedules: LocalSchedule[]) => void;
  /** Environment for DRBOT_STALE_DAYS. @default process.env */
  env?: Record<string, string | undefined>;
  /** Further local runtime settings (tests: a faster driver or sim). */
  runtime?: Omit<LocalRuntimeOptions, 'notifier' | 'dataDir' | 'inMemory' | 'runbooksDir'>;
}

/** Why the shell could not start, and what to do. */
function startFailure(err: unknown, dataDir: string): string[] {
  const user = toUserFacing(err);
  const action =
    user.code === 'EMBEDDED_DYNAMO_DATA_LOCKED'
      ? `Use the drbot shell (or drbot serve) that already has ${dataDir} open, or quit it (/quit) and start this one again; or give this shell its own store: \`drbot shell --data-dir /tmp/drbot-2\` (or \`--memory\` to keep nothing).`
      : user.action;
  return [
    `✖ drbot shell could not start: ${user.message}`,
    `  why: ${user.explanation}`,
    `  next: ${action}`,
  ];
}

export async function runShell(options: ShellOptions): Promise<number> {
  const live = options.live ?? Boolean(options.input.isTTY && options.output.isTTY);
  let prompt: (() => void) | undefined;
  const env = options.env ?? process.env;
  const paint = createPainter(live && colourEnabled(options.output.isTTY, env));
  const screen = new Screen({ out: options.output, live, redrawPrompt: () => prompt?.(), paint });
  let staleDays = DEFAULT_STALE_DAYS;
  try {
    staleDays = staleDaysFromEnv(options.env ?? process.env);
  } catch (err) {
    screen.log([`⚠ ${(err as Error).message}`]);
    return 2;
  }
  const log = (message: string, err?: unknown) =>
    screen.log([`⚠ ${message}${err instanceof Error ? `: ${err.message}` : ''}`]);
  let runtime: LocalRuntime | undefined;
  const clock = options.runtime?.clock ?? { now: () => Date.now() };
  const notifier = new ShellNotifier({
    engine: () => required(runtime).engine,
    store: () => required(runtime).store,
    clock,
    screen,
  });
  try {
    runtime = await createLocalRuntime({
      latencyScale: options.latencyScale ?? 0.1,
      ...options.runtime,
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.inMemory ? { inMemory: true } : {}),
      ...(options.runbooksDir ? { runbooksDir: options.runbooksDir } : {}),
      notifier: shellScorecardNotifier({
        inner: notifier,
        store: () => required(runtime).store,
        clock,
        screen,
        staleDays,
        log,
      }),
    });
  } catch (err) {
    // A clean error with the remedy, never a stack trace (e.g. another shell holds the store).
    screen.log(startFailure(err, options.dataDir ?? '.drbot'));
    return 1;
  }
  const rt = runtime;
  const services: BotServices = {
    engine: rt.engine,
    store: rt.store,
    runbooks: () => rt.runbooks,
    runbookIssues: () => rt.runbookIssues,
    directory: rt.directory,
    clock: rt.clock,
    driver: rt.driver,
    runbookDir: `${options.runbooksDir ?? 'runbooks'}/`,
    log,
    staleDays,
    ...(rt.network
      ? {
          readiness: {
            cloud: rt.cloud,
            network: rt.network,
            ...(rt.replication ? { replication: rt.replication } : {}),
          },
        }
      : {}),
  };
  const groups = groupsOf(rt.directory);
  const users = [...new Set(groups.flatMap(([, members]) => members))].sort();
  const session = new ShellSession({
    services,
    screen,
    user: options.user ?? 'alice',
    users,
    words: {
      protect: (args) => protectWord(services, rt, args),
      network: (args) => networkWord(services, rt, args),
      blueprint: (args) => blueprintWord(services, rt, args),
    },
    provider: rt.provider,
  });

  screen.log(
    welcome(
      session.user,
      groups,
      [...rt.runbooks.keys()].sort(),
      options.dataDir ?? '.drbot',
      options.inMemory,
    ),
  );
  screen.log(brokenRunbookLines(rt.runbookIssues));
  await session.resume();
  const stopSchedules =
    (options.schedules ?? true)
      ? startShellSchedules(rt.runbooks.values(), {
          services,
          screen,
          staleDays,
          ...(options.onSchedules ? { onStarted: options.onSchedules } : {}),
        })
      : () => undefined;

  const rl = createInterface({
    input: options.input,
    ...(live ? { output: options.output, terminal: true } : { terminal: false }),
  });
  rl.setPrompt(session.prompt);
  if (live) prompt = () => rl.prompt(true);
  const ticker = live ? setInterval(() => void notifier.refresh(), 1000) : undefined;
  ticker?.unref();
  prompt?.();

  if (live) rl.on('line', (line) => screen.echoed(line, rl.getPrompt()));
  let quit = false;
  // Ctrl-C while runs are in flight asks first: quitting never stops a run, but people expect
  // Ctrl-C to, so they are told the run goes on and where it resumes. A second Ctrl-C quits.
  let confirming = false;
  rl.on('SIGINT', () => {
    void (async () => {
      const runs = await inFlightRuns(services);
      if (confirming || runs.length === 0) {
        quit = true;
        rl.close();
        return;
      }
      confirming = true;
      screen.log(quitQuestion(runs, options.dataDir ?? '.drbot', options.inMemory));
      rl.setPrompt('quit? (y/N) ');
      prompt?.();
    })();
  });
  try {
    for await (const line of rl) {
      if (confirming) {
        confirming = false;
        if (/^\s*y(es)?\s*$/i.test(line)) {
          quit = true;
          break;
        }
        screen.log(['Staying. Type /quit to leave; runs keep going either way.']);
        rl.setPrompt(session.prompt);
        prompt?.();
        continue;
      }
      if (!live && line.trim() && !line.trim().startsWith('#'))
        screen.log([`${session.prompt}${line.trim()}`]);
      if (live) screen.typed(`${session.prompt}${line}`);
      // Type-ahead waits in the terminal until the reply is out: echoed while busy, it would land
      // inside the live block and break the redraw (and the transcript).
      if (live) rl.pause();
      const result = await session.handle(line);
      await notifier.flushed();
      if (live) rl.resume();
      if (result === 'quit') {
        quit = true;
        break;
      }
      rl.setPrompt(session.prompt);
      prompt?.();
    }
    // the hints `wait` already printed are not printed again
    if (!quit && (options.waitAtEnd ?? true))
      await session.waitUntilSettled(undefined, { repeatHints: false });
    await notifier.flushed();
    const left = await inFlightCount(services);
    if (left > 0)
      screen.log([
        `${left} run${left === 1 ? '' : 's'} not finished: start \`drbot shell\` again to continue and see them.`,
      ]);
  } finally {
    stopSchedules();
    if (ticker) clearInterval(ticker);
    rl.close();
    // Waits for an advance under way, so its lease is released and the next shell resumes at once.
    await rt.driver.stop();
    await notifier.flushed();
    screen.close();
    await rt.close();
  }
  return 0;
}

function welcome(
  user: string,
  groups: [string, string[]][],
  runbooks: string[],
  dataDir: string,
  inMemory?: boolean,
): string[] {
  const mine = groups.filter(([, m]) => m.includes(user)).map(([g]) => g);
  const first = runbooks.includes('app-tier') ? 'app-tier' : (runbooks[0] ?? '<runbook>');
  const cutover = runbooks.includes('db-tier') ? 'db-tier' : first;
  return [
    'drbot shell — disaster-recovery runbooks, in your terminal.',
    `State: ${inMemory ? 'in memory (nothing is kept)' : `${dataDir}/ (runs survive quitting)`} · cloud: simulated · same commands as Slack's /dr.`,
    `You are ${user}${mine.length ? ` (${mine.join(', ')})` : ''}. Groups: ${groups.map(([g, m]) => `${g} [${m.join(', ')}]`).join('; ') || 'none'}.`,
    `Runbooks: ${runbooks.join(', ') || 'none found'}.`,
    '',
    `  Try first:    drill ${first}          rehearse a recovery; it cleans up after itself`,
    '  Then:         status                  progress, current step, RTO so far',
    `  Two-person:   failover ${cutover}, then /as bob · approve <runId>, /as carol · approve <runId>`,
    `  Also:         plan drill ${first} · list · runs · timeline last · help · /quit`,
    '',
  ];
}

/** `protect <runbook>` in the shell: `drbot protect` on the shell's own store and cloud. */
async function protectWord(services: BotServices, rt: LocalRuntime, args: string[]): Promise<string[]> {
  const [name, ...extra] = args;
  if (!name || extra.length > 0) return ['⚠ say which runbook: protect <runbook>, e.g. protect web-tier'];
  const runbook = findRunbook(services, name);
  const { rows, databases, pruned } = await protectPass(rt, runbook);
  return [
    `🛡 protection pass of ${runbook.metadata.name}: newest recovery point per instance${databases.length ? ' and snapshot copy per database' : ''}`,
    ...rows.map(
      (r) =>
        `   ${r.instanceId} ${(r.name ?? '').padEnd(10)} ${r.pointId ?? 'no point'}${r.ageMs === undefined ? '' : ` (${formatDuration(r.ageMs)} old)`}`,
    ),
    ...databaseLines(databases, '   '),
    ...(pruned.length ? [`   pruned ${pruned.length} old recovery point(s)`] : []),
  ];
}

/** The shell's network side, or the reason it has none. */
function networkOf(rt: LocalRuntime): NetworkCloud {
  if (rt.network) return rt.network;
  throw new NonRetryableError('This shell has no network side to replicate or plan with', {
    code: 'NETWORK_UNAVAILABLE',
    explanation: 'The cloud this shell runs on was started without its network capability.',
    action: 'Start the shell on the sim (the default) or with --provider aws.',
  });
}

/** `network replicate <runbook> [--cidr-remap FROM=TO]`: `drbot network replicate` on the shell's store and cloud. */
async function networkWord(services: BotServices, rt: LocalRuntime, args: string[]): Promise<string[]> {
  const usage = [
    '⚠ usage: network replicate <runbook> [--cidr-remap FROM=TO], e.g. network replicate web-tier',
  ];
  const [sub, name, ...extra] = args;
  if (sub !== 'replicate' || !name) return usage;
  let cidrRemap: CidrRemap | undefined;
  if (extra.length === 2 && extra[0] === '--cidr-remap') cidrRemap = parseCidrRemap(extra[1] as string);
  else if (extra.length > 0) return usage;
  const runbook = findRunbook(services, name);
  const out = await replicateTier(rt, networkOf(rt), runbook, {
    ...(cidrRemap ? { cidrRemap } : {}),
    replicatedBy: 'shell',
  });
  return [
    `🌐 network of ${runbook.metadata.name} replicated to ${runbook.spec.target.region}`,
    ...replicationLines(out),
  ];
}

/** `blueprint <runbook> [--write] [--mode drill|failover|failback]`: `drbot blueprint` in the shell. */
async function blueprintWord(services: BotServices, rt: LocalRuntime, args: string[]): Promise<string[]> {
  const usage = [
    '⚠ usage: blueprint <runbook> [--write] [--mode drill|failover|failback], e.g. blueprint web-tier',
  ];
  const [name, ...rest] = args;
  if (!name || name.startsWith('--')) return usage;
  let write = false;
  let mode: Mode = 'drill';
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    if (flag === '--write') write = true;
    else if (flag === '--mode' && ['drill', 'failover', 'failback'].includes(rest[i + 1] ?? ''))
      mode = rest[++i] as Mode;
    else return usage;
  }
  const runbook = findRunbook(services, name);
  const built = await tierBlueprints(rt, networkOf(rt), runbook, { mode, write });
  return [
    `📐 launch blueprints of ${runbook.metadata.name} (${mode})${write ? ', stored' : ''}`,
    ...built.flatMap((b) => formatBlueprint(b).split('\n')),
  ];
}

function groupsOf(directory: Directory): [string, string[]][] {
  const entries = (directory as { entries?: () => [string, string[]][] }).entries;
  return typeof entries === 'function' ? entries.call(directory) : [];
}

async function inFlightRuns(services: BotServices): Promise<RunSummary[]> {
  const runs = await services.store.listRuns({ limit: 50 });
  return runs.filter((r) => r.status === 'running' || r.status === 'waiting');
}

async function inFlightCount(services: BotServices): Promise<number> {
  return (await inFlightRuns(services)).length;
}

/** What Ctrl-C asks while runs are in flight. */
export function quitQuestion(runs: RunSummary[], dataDir: string, inMemory?: boolean): string[] {
  const names = runs.map((r) => `${r.mode} of ${r.runbook} ${runTag(r)}`).join(', ');
  const one = runs.length === 1;
  return [
    `⚠ ${runs.length} run${one ? ' is' : 's are'} in flight: ${names}.`,
    inMemory
      ? `  Quitting loses ${one ? 'it' : 'them'}: this shell keeps nothing on disk (--memory).`
      : `  Quitting does not stop ${one ? 'it' : 'them'}: the state is in ${dataDir}/ and ${one ? 'it resumes' : 'they resume'} when you start \`drbot shell\` again.`,
    '  Quit now? y = quit, Enter = stay (Ctrl-C again quits). To stop a run instead: abort <runId>',
  ];
}

function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('drbot: the shell notifier was used before the runtime was built');
  return value;
}
