/**
 * Renders a run's audit events in Slack: one parent status message per run (posted on
 * run.started in `run.meta.channel`, its ts stored with the run's docs), a thread of step
 * updates, approval messages updated in place, and a final summary. Updates are coalesced per
 * channel (≤ 1 tick per interval), and a tick sends at most one thread post and one chat.update,
 * so a burst of events costs one of each per second (Slack's per-channel pace). While a run is in
 * flight its status message is refreshed about once a minute, so elapsed time, the RTO so far and
 * a gate's "expires in 28m" keep moving while everyone waits. Messages queued with
 * `postAfterSummary` (the drill scorecard) go to the thread after the final summary.
 */
import type { WebClient } from '@slack/web-api';
import type { Clock, Notifier, RunStore } from '../../engine/ports.js';
import type { AuditEvent, Run } from '../../engine/run.js';
import type { Runbook } from '../../engine/runbook/types.js';
import { describeEvent, type EventLine, isFinal } from '../render/events.js';
import { type SlackMessage, statusMessage } from '../render/slack-status.js';
import { approvalMessage, finalMessage, manualMessage, threadMessage } from '../render/slack-thread.js';
import { buildRunView, gateView } from '../render/view.js';
import { ChannelPacer, realScheduler, type Scheduler } from './pacer.js';

/** Where a run's parent message lives; stored as doc `slack-message/<runId>`. */
export interface SlackMessageRef {
  channel: string;
  ts: string;
}

export interface SlackNotifierOptions {
  client: WebClient;
  store: RunStore;
  clock: Clock;
  /** The runbook a run executes (for step names, gates, owners); usually `engine.runbookOf`. */
  runbookOf: (run: Run) => Promise<Runbook | undefined>;
  /** Channel for runs whose meta has none (scheduled runs set their own). */
  defaultChannel?: string;
  /** Minimum time between two ticks in one channel. @default 1000 */
  minIntervalMs?: number;
  /** @default setTimeout */
  schedule?: Scheduler;
  /** How often the status message of a run in flight is redrawn without events. @default 60000 */
  refreshMs?: number;
  /** @default console.error */
  log?: (message: string, err?: unknown) => void;
}

interface RunState {
  run: Run;
  channel: string;
  lines: EventLine[];
  final: boolean;
  parentDirty: boolean;
  /** Approval and manual steps whose message must be re-rendered. */
  approvals: Set<string>;
  /** Thread posts that wait for the final summary (the scorecard). */
  after: AfterSummary[];
  /** Serialises posting per run so the parent exists before any thread reply. */
  chain: Promise<void>;
}

/** A thread post, or an upload (a chart) given the parent message, sent after the summary. */
export type AfterSummary = SlackMessage | ((parent: SlackMessageRef) => Promise<void>);

export class SlackNotifier implements Notifier {
  private readonly runs = new Map<string, RunState>();
  private readonly pacer: ChannelPacer;
  private readonly log: (message: string, err?: unknown) => void;
  private inFlight = 0;
  private refresher: { cancel(): void } | undefined;

  constructor(private readonly options: SlackNotifierOptions) {
    this.pacer = new ChannelPacer(options.minIntervalMs ?? 1000, (ch) => this.tick(ch), options.schedule);
    this.log = options.log ?? ((m, e) => console.error(m, e));
  }

  /** Queues a thread post for after the run's final summary (the drill scorecard). */
  postAfterSummary(run: Run, message: AfterSummary): void {
    const channel = run.meta.channel ?? this.options.defaultChannel;
    if (!channel) return;
    this.stateOf(run, channel).after.push(message);
    this.pacer.mark(channel);
  }

  /** Marks every run in flight dirty once per `refreshMs`; the pacer coalesces per channel. */
  private startRefresh(): void {
    if (this.refresher) return;
    const schedule = this.options.schedule ?? realScheduler;
    const every = this.options.refreshMs ?? 60_000;
    const fire = () => {
      this.refresher = undefined;
      const live = [...this.runs.values()].filter((s) => !isTerminalRun(s.run));
      for (const state of live) {
        state.parentDirty = true;
        this.pacer.mark(state.channel);
      }
      if (live.length > 0) this.startRefresh();
    };
    this.refresher = schedule(fire, every);
  }

  async publish(run: Run, events: AuditEvent[]): Promise<void> {
    const channel = run.meta.channel ?? this.options.defaultChannel;
    if (!channel) return; // started from the shell or CLI: nothing to show in Slack
    const state = this.stateOf(run, channel);
    if (run.version >= state.run.version) state.run = run;
    const runbook = await this.options.runbookOf(run).catch(() => undefined);
    const requested: string[] = [];
    for (const event of events) {
      const line = describeEvent(event, run, runbook, 'slack');
      if (line && event.kind !== 'run.started') state.lines.push(line);
      const manual = event.stepKey !== undefined && run.steps[event.stepKey]?.action === 'manual';
      if (event.kind === 'approval.requested' && event.stepKey) requested.push(event.stepKey);
      else if (event.kind === 'step.waiting' && manual && event.stepKey) requested.push(event.stepKey);
      else if ((event.kind.startsWith('approval.') || manual) && event.stepKey)
        state.approvals.add(event.stepKey);
      if (isFinal(event)) state.final = true;
    }
    state.parentDirty = true;
    // Not awaited: the engine (and a slash command's 3-second ack) never waits on Slack. The
    // per-run chain still posts the parent before any thread reply; `idle()` waits for it all.
    void this.serial(state, async () => {
      await this.ensureParent(state, runbook);
      for (const stepKey of requested) await this.postApproval(state, stepKey, runbook);
    });
    this.pacer.mark(channel);
    if (!isTerminalRun(run)) this.startRefresh();
  }

  /** Re-renders an approval message soon (after a click that the engine recorded). */
  refreshApproval(run: Run, stepKey: string): void {
    const channel = run.meta.channel ?? this.options.defaultChannel;
    if (!channel) return;
    const state = this.stateOf(run, channel);
    if (run.version >= state.run.version) state.run = run;
    state.approvals.add(stepKey);
    state.parentDirty = true;
    this.pacer.mark(channel);
  }

  /** Resolves once nothing is queued or being sent (tests, shutdown). */
  async idle(pollMs = 5): Promise<void> {
    while (this.pacer.hasPending() || this.inFlight > 0) await new Promise((r) => setTimeout(r, pollMs));
  }

  close(): void {
    this.refresher?.cancel();
    this.refresher = undefined;
    this.pacer.close();
  }

  private stateOf(run: Run, channel: string): RunState {
    let state = this.runs.get(run.id);
    if (!state) {
      state = {
        run,
        channel,
        lines: [],
        final: false,
        parentDirty: false,
        approvals: new Set(),
        after: [],
        chain: Promise.resolve(),
      };
      this.runs.set(run.id, state);
    }
    return state;
  }

  private serial(state: RunState, work: () => Promise<void>): Promise<void> {
    this.inFlight += 1;
    const next = state.chain
      .then(work)
      .catch((err) => this.log(`drbot: Slack update for run ${state.run.id} failed`, err));
    state.chain = next.finally(() => {
      this.inFlight -= 1;
    });
    return state.chain;
  }

  private async parentRef(state: RunState): Promise<SlackMessageRef | undefined> {
    return this.options.store.getDoc<SlackMessageRef>('slack-message', state.run.id);
  }

  private async ensureParent(state: RunState, runbook: Runbook | undefined): Promise<SlackMessageRef> {
    const existing = await this.parentRef(state);
    if (existing) return existing;
    const message = statusMessage(this.viewOf(state, runbook), runbook);
    const posted = await this.options.client.chat.postMessage({ channel: state.channel, ...message });
    const ref = { channel: posted.channel ?? state.channel, ts: String(posted.ts) };
    await this.options.store.putDoc('slack-message', state.run.id, ref);
    state.parentDirty = false;
    return ref;
  }

  private async postApproval(state: RunState, stepKey: string, runbook: Runbook | undefined): Promise<void> {
    const docId = `${state.run.id}/${stepKey}`;
    if (await this.options.store.getDoc<SlackMessageRef>('slack-approval', docId)) return;
    const parent = await this.ensureParent(state, runbook);
    const message = await this.approvalOf(state, stepKey, runbook);
    const posted = await this.options.client.chat.postMessage({
      channel: parent.channel,
      thread_ts: parent.ts,
      ...message,
    });
    await this.options.store.putDoc('slack-approval', docId, {
      channel: parent.channel,
      ts: String(posted.ts),
    });
  }

  private async approvalOf(state: RunState, stepKey: string, runbook: Runbook | undefined) {
    const run = state.run;
    if (run.steps[stepKey]?.action === 'manual')
      return manualMessage(run, stepKey, runbook, this.options.clock.now());
    const record = await this.options.store.getGate(run.id, stepKey);
    const gateName = run.steps[stepKey]?.gate ?? record?.gate ?? stepKey;
    return approvalMessage(
      run,
      gateView(stepKey, gateName, runbook, record),
      runbook,
      this.options.clock.now(),
    );
  }

  private viewOf(state: RunState, runbook: Runbook | undefined) {
    return buildRunView(state.run, { ...(runbook ? { runbook } : {}), now: this.options.clock.now() });
  }

  /**
   * One paced tick: at most one thread post (step lines, then the final summary, then what waits
   * for it) and at most one chat.update for this channel; the rest goes in the next tick.
   */
  private async tick(channel: string): Promise<void> {
    const states = [...this.runs.values()].filter((s) => s.channel === channel);
    let updated = false;
    let posted = false;
    for (const state of states) {
      await this.serial(state, async () => {
        const runbook = await this.options.runbookOf(state.run).catch(() => undefined);
        const parent = await this.ensureParent(state, runbook);
        const thread = (message: SlackMessage) =>
          this.options.client.chat.postMessage({ channel: parent.channel, thread_ts: parent.ts, ...message });
        if (!posted) {
          const batch = threadMessage(state.lines.splice(0));
          if (batch) {
            await thread(batch);
            posted = true;
          } else if (state.final) {
            state.final = false;
            await thread(finalMessage(await this.fullView(state, runbook)));
            posted = true;
          } else if (!state.final && isTerminalRun(state.run) && state.after.length > 0) {
            const next = state.after.shift() as AfterSummary;
            if (typeof next === 'function') await next(parent);
            else await thread(next);
            posted = true;
          }
        }
        if (updated) return;
        const [stepKey] = state.approvals;
        if (stepKey !== undefined) {
          state.approvals.delete(stepKey);
          const ref = await this.options.store.getDoc<SlackMessageRef>(
            'slack-approval',
            `${state.run.id}/${stepKey}`,
          );
          if (ref) {
            await this.options.client.chat.update({
              channel: ref.channel,
              ts: ref.ts,
              ...(await this.approvalOf(state, stepKey, runbook)),
            });
            updated = true;
            return;
          }
        }
        if (state.parentDirty) {
          state.parentDirty = false;
          const view = await this.fullView(state, runbook);
          await this.options.client.chat.update({
            channel: parent.channel,
            ts: parent.ts,
            ...statusMessage(view, runbook),
          });
          updated = true;
        }
      });
    }
    // Whatever could not be sent in this tick (rate limit) goes in the next one.
    const busy = (s: RunState) =>
      s.parentDirty || s.approvals.size > 0 || s.lines.length > 0 || s.final || s.after.length > 0;
    if (states.some(busy)) this.pacer.mark(channel);
    for (const state of states) if (!busy(state) && isTerminalRun(state.run)) this.runs.delete(state.run.id);
  }

  private async fullView(state: RunState, runbook: Runbook | undefined) {
    const gates = [];
    for (const [key, step] of Object.entries(state.run.steps)) {
      // decided gates too: the status message and the summary name who approved
      if (step.status === 'pending' || !step.gate) continue;
      const gate = await this.options.store.getGate(state.run.id, key);
      if (gate) gates.push(gate);
    }
    return buildRunView(state.run, { ...(runbook ? { runbook } : {}), gates, now: this.options.clock.now() });
  }
}

function isTerminalRun(run: Run): boolean {
  return run.status === 'succeeded' || run.status === 'failed' || run.status === 'aborted';
}
