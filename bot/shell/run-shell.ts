/**
 * `drbot shell`: terminal chat on the local runtime (embedded store under `.drbot/`, simulated
 * cloud). Interactive on a TTY with a live status block; scriptable through a pipe, where it
 * runs each line in order and, when input ends, waits for runs in flight to settle before exiting.
 */
import { createInterface } from 'node:readline';
import type { Directory } from '../../engine/ports.js';
import { createLocalRuntime, type LocalRuntime } from '../runtime/local.js';
import type { BotServices } from '../services.js';
import { ShellNotifier } from './notifier.js';
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
}

export async function runShell(options: ShellOptions): Promise<number> {
  const live = options.live ?? Boolean(options.input.isTTY && options.output.isTTY);
  let prompt: (() => void) | undefined;
  const screen = new Screen({ out: options.output, live, redrawPrompt: () => prompt?.() });
  let runtime: LocalRuntime | undefined;
  const notifier = new ShellNotifier({
    engine: () => required(runtime).engine,
    store: () => required(runtime).store,
    clock: { now: () => Date.now() },
    screen,
  });
  runtime = await createLocalRuntime({
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    ...(options.inMemory ? { inMemory: true } : {}),
    ...(options.runbooksDir ? { runbooksDir: options.runbooksDir } : {}),
    latencyScale: options.latencyScale ?? 0.1,
    notifier,
  });
  const rt = runtime;
  const services: BotServices = {
    engine: rt.engine,
    store: rt.store,
    runbooks: () => rt.runbooks,
    directory: rt.directory,
    clock: rt.clock,
    driver: rt.driver,
    runbookDir: `${options.runbooksDir ?? 'runbooks'}/`,
    log: (message, err) => screen.log([`⚠ ${message}${err instanceof Error ? `: ${err.message}` : ''}`]),
  };
  const groups = groupsOf(rt.directory);
  const users = [...new Set(groups.flatMap(([, members]) => members))].sort();
  const session = new ShellSession({ services, screen, user: options.user ?? 'alice', users });

  screen.log(
    welcome(
      session.user,
      groups,
      [...rt.runbooks.keys()].sort(),
      options.dataDir ?? '.drbot',
      options.inMemory,
    ),
  );
  for (const issue of rt.runbookIssues) screen.log([`⚠ runbook problem: ${JSON.stringify(issue)}`]);
  await session.resume();

  const rl = createInterface({
    input: options.input,
    ...(live ? { output: options.output, terminal: true } : { terminal: false }),
  });
  rl.setPrompt(session.prompt);
  if (live) prompt = () => rl.prompt(true);
  const ticker = live ? setInterval(() => void notifier.refresh(), 1000) : undefined;
  ticker?.unref();
  prompt?.();

  let quit = false;
  try {
    for await (const line of rl) {
      if (!live && line.trim() && !line.trim().startsWith('#'))
        screen.log([`${session.prompt}${line.trim()}`]);
      const result = await session.handle(line);
      await notifier.flushed();
      if (result === 'quit') {
        quit = true;
        break;
      }
      rl.setPrompt(session.prompt);
      prompt?.();
    }
    if (!quit && (options.waitAtEnd ?? true)) await session.waitUntilSettled();
    await notifier.flushed();
    const left = await inFlightCount(services);
    if (left > 0)
      screen.log([
        `${left} run${left === 1 ? '' : 's'} not finished: start \`drbot shell\` again to continue and see them.`,
      ]);
  } finally {
    if (ticker) clearInterval(ticker);
    rl.close();
    rt.driver.stop();
    await untilNoAdvanceHoldsARun(services);
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
    `  Also:         plan ${first} drill · list · runs · help · /quit`,
    '',
  ];
}

function groupsOf(directory: Directory): [string, string[]][] {
  const entries = (directory as { entries?: () => [string, string[]][] }).entries;
  return typeof entries === 'function' ? entries.call(directory) : [];
}

async function inFlightCount(services: BotServices): Promise<number> {
  const runs = await services.store.listRuns({ limit: 50 });
  return runs.filter((r) => r.status === 'running' || r.status === 'waiting').length;
}

/**
 * Quitting in the middle of an advance would leave its lease held until it expires, and the next
 * shell could not resume the run for that long. So wait (briefly) until no run's lease is held.
 */
async function untilNoAdvanceHoldsARun(services: BotServices, timeoutMs = 10_000): Promise<void> {
  const probe = `drbot-shell-quit-${process.pid}`;
  const until = Date.now() + timeoutMs;
  const open = (await services.store.listRuns({ limit: 50 })).filter((r) => r.status === 'running');
  for (const run of open) {
    while (Date.now() < until) {
      if (await services.store.acquireLease(run.id, probe, services.clock.now(), 1).catch(() => true)) {
        await services.store.releaseLease(run.id, probe).catch(() => undefined);
        break;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function required<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('drbot: the shell notifier was used before the runtime was built');
  return value;
}
