/**
 * One terminal chat session: the same grammar and executor as Slack, plus shell words:
 * `/as <user>` to switch identity (try the two-person rule alone), `wait [seconds]` for scripts,
 * `/quit`. Runs are durable: the session resumes runs left in flight by an earlier one.
 */

import { NotAllowedError, toUserFacing } from '../../engine/errors.js';
import { describeProvider, providerMismatch } from '../../engine/executor/provider.js';
import { canonicalUser } from '../../engine/identity.js';
import { isTerminal, type Run, type RunProvider } from '../../engine/run.js';
import { mayAwaitCommit } from '../../engine/tier/commit-policy.js';
import { executeCommand } from '../commands/execute.js';
import { parseCommand } from '../commands/grammar.js';
import { replyText } from '../render/text.js';
import { healEndedRuns } from '../runtime/heal.js';
import type { BotServices } from '../services.js';
import type { Screen } from './screen.js';
import { waitingHint } from './waiting-hint.js';

export interface ShellSessionOptions {
  services: BotServices;
  screen: Screen;
  /** Who you are at start. @default 'alice' */
  user?: string;
  /** Local users, for `/as` hints. */
  users?: string[];
  /** How often `wait` looks at the runs. @default 200 */
  pollMs?: number;
  /**
   * Shell-only words beyond the chat grammar (`protect`, `network replicate`, `blueprint`): the CLI commands that need the
   * data directory the shell holds, so they run here instead of failing in a second terminal.
   */
  words?: Record<string, (args: string[], user: string) => Promise<string[]>>;
  /**
   * The cloud this shell acts on. On anything but the sim, `/as` and approve/reject/confirm are
   * refused: the shell's identity is not authenticated, and real approvals come from signed
   * Slack requests. Runs of another provider are not resumed. @default sim
   */
  provider?: RunProvider;
}

/** Shell words that record a decision of a person: only sim runs take them from the shell. */
const DECISIONS = new Set(['approve', 'reject', 'confirm']);

export type LineResult = 'continue' | 'quit';

const RECENT = 50;

export class ShellSession {
  user: string;
  private readonly services: BotServices;
  private readonly screen: Screen;
  /** The last waiting hint printed per run: printed again only when it changed. */
  private readonly hinted = new Map<string, string>();

  constructor(private readonly options: ShellSessionOptions) {
    this.services = options.services;
    this.screen = options.screen;
    this.user = canonicalUser(options.user ?? 'alice');
  }

  get prompt(): string {
    return `${this.user}> `;
  }

  /** True when this shell acts on real infrastructure (not the simulated cloud). */
  private get realCloud(): boolean {
    return (this.options.provider?.name ?? 'sim') !== 'sim';
  }

  private unauthenticated(word: string) {
    const where = describeProvider(this.options.provider ?? { name: 'sim' });
    return toUserFacing(
      new NotAllowedError(`${word} is refused: this shell acts on ${where}, not the simulated cloud`, {
        code: 'SHELL_NOT_AUTHENTICATED',
        explanation:
          'The terminal shell does not authenticate who types, so on real infrastructure it neither switches identity (/as) nor records approvals, rejections or confirmations: one person could give both approvals of a two-person gate.',
        action:
          'Approve, reject or confirm from Slack (signed requests, one person each), or rehearse with the simulated cloud (drbot shell without --provider).',
      }),
    );
  }

  /** Kicks every run an earlier session left in flight; returns them. */
  async resume(): Promise<Run[]> {
    await healEndedRuns(this.services);
    const all = await this.inFlight();
    const here = this.options.provider ?? { name: 'sim' };
    const runs = all.filter((run) => !providerMismatch(run, here));
    for (const run of all.filter((r) => !runs.includes(r))) {
      this.screen.log([
        `↷ not resuming ${run.mode} of ${run.runbook.name} (${run.id}): it runs on ${describeProvider(run.provider!)}, this shell on ${describeProvider(here)} (RUN_PROVIDER_MISMATCH); continue it from a drbot with that provider`,
      ]);
    }
    for (const run of runs) await this.services.driver.kick(run.id);
    // Ended failovers that may wait for `commit`: `advance` re-arms their commit timeout.
    for (const summary of await this.services.store.listRuns({ limit: RECENT })) {
      if (mayAwaitCommit(summary)) await this.services.driver.kick(summary.id);
    }
    if (runs.length > 0) {
      this.screen.log([
        `↻ resuming ${runs.length} run${runs.length === 1 ? '' : 's'} left in flight: ${runs.map((r) => `${r.mode} of ${r.runbook.name} (${r.id})`).join(', ')}`,
      ]);
    }
    return runs;
  }

  async handle(raw: string): Promise<LineResult> {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return 'continue';
    const [word = '', ...rest] = line.split(/\s+/);
    switch (word.toLowerCase()) {
      case '/quit':
      case '/exit':
      case 'quit':
      case 'exit':
        return 'quit';
      case '/as':
        if (this.realCloud) this.screen.log(replyText({ kind: 'error', error: this.unauthenticated('/as') }));
        else this.switchUser(rest[0]);
        return 'continue';
      case '/whoami':
      case 'whoami':
        this.screen.log([`you are ${this.user}`]);
        return 'continue';
      case 'wait':
      case '/wait': {
        const seconds = rest[0] === undefined ? undefined : Number(rest[0]);
        if (seconds !== undefined && !(Number.isFinite(seconds) && seconds > 0)) {
          this.screen.log([
            '⚠ wait takes a number of seconds, e.g. wait 30 (or no number: until runs settle)',
          ]);
          return 'continue';
        }
        await this.waitUntilSettled(seconds === undefined ? undefined : seconds * 1000);
        return 'continue';
      }
      case '/help':
        return this.handle('help');
    }
    // a remedy printed as `drbot network replicate db-tier` is typed as it reads
    if (word.toLowerCase() === 'drbot' && rest.length > 0) return this.handle(rest.join(' '));
    const extra = this.options.words?.[word.toLowerCase()];
    if (extra) {
      try {
        this.screen.log(await extra(rest, this.user));
      } catch (err) {
        this.screen.log(replyText({ kind: 'error', error: toUserFacing(err) }));
      }
      return 'continue';
    }
    const parsed = parseCommand(line, 'shell');
    if (!parsed.ok) {
      this.screen.log(replyText({ kind: 'usage', error: parsed.error }));
      return 'continue';
    }
    if (this.realCloud && DECISIONS.has(parsed.command.kind)) {
      this.screen.log(replyText({ kind: 'error', error: this.unauthenticated(parsed.command.kind) }));
      return 'continue';
    }
    const outcome = await executeCommand(this.services, parsed.command, {
      user: this.user,
      surface: 'shell',
      meta: { surface: 'shell' },
    });
    this.screen.log(replyText(outcome.reply));
    await outcome.followUp?.();
    return 'continue';
  }

  /**
   * Waits until every run is finished or waits only on people (an approval, a manual step).
   * Returns the runs that wait on people, so the caller can say who must act.
   */
  async waitUntilSettled(
    timeoutMs?: number,
    options: { repeatHints?: boolean } = {},
  ): Promise<{ settled: boolean; waiting: Run[] }> {
    const started = Date.now();
    const pollMs = this.options.pollMs ?? 200;
    for (;;) {
      // runs of another provider never move here: waiting on them would never end
      const here = this.options.provider ?? { name: 'sim' };
      const open = (await this.inFlight()).filter((run) => !providerMismatch(run, here));
      const waiting: Run[] = [];
      for (const run of open) if (await this.waitsOnPeople(run)) waiting.push(run);
      const moving = open.filter((r) => !waiting.includes(r));
      if (moving.length === 0) {
        for (const run of waiting) {
          const hint = await waitingHint(
            {
              store: this.services.store,
              directory: this.services.directory,
              users: this.options.users ?? [],
            },
            run,
          );
          // `wait`, then the end of input: the same hint once, not twice
          if (options.repeatHints === false && this.hinted.get(run.id) === hint.join('\n')) continue;
          this.hinted.set(run.id, hint.join('\n'));
          this.screen.log(hint);
        }
        return { settled: true, waiting };
      }
      if (timeoutMs !== undefined && Date.now() - started >= timeoutMs) {
        this.screen.log([
          `… ${moving.length} run${moving.length === 1 ? ' is' : 's are'} still moving after ${Math.round(timeoutMs / 1000)}s`,
        ]);
        return { settled: false, waiting: [] };
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  }

  /**
   * Waiting on people, not just between two advances: right after an approve or reject the stored
   * status lags until the driver advances the run, so a decided gate counts as moving.
   */
  private async waitsOnPeople(run: Run): Promise<boolean> {
    if (run.status !== 'waiting') return false;
    let undecided = false;
    for (const [key, step] of Object.entries(run.steps)) {
      if (step.status !== 'waiting') continue;
      if (step.action !== 'approval') return true;
      const gate = await this.services.store.getGate(run.id, key);
      if (gate?.decision) return false;
      undecided = true;
    }
    return undecided;
  }

  private switchUser(name: string | undefined): void {
    const users = this.options.users ?? [];
    if (!name || !/^[A-Za-z0-9._-]{1,64}$/.test(name)) {
      this.screen.log([`⚠ say who: /as <user>${users.length ? ` (local users: ${users.join(', ')})` : ''}`]);
      return;
    }
    // Canonical, so `/as ALICE` is alice (never a second person next to alice).
    const canonical = canonicalUser(name);
    this.user = canonical;
    const unknown = users.length > 0 && !users.some((u) => canonicalUser(u) === canonical);
    this.screen.log([
      `you are now ${canonical}${unknown ? ` (not a known local user, so you are in no group; known: ${users.join(', ')})` : ''}`,
    ]);
  }

  private async inFlight(): Promise<Run[]> {
    const recent = await this.services.store.listRuns({ limit: RECENT });
    const runs: Run[] = [];
    for (const summary of recent) {
      if (isTerminal(summary.status)) continue;
      const run = await this.services.store.getRun(summary.id);
      if (run && !isTerminal(run.status)) runs.push(run);
    }
    return runs;
  }
}
