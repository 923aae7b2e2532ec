/**
 * The shell's Notifier: audit events become log lines (the "thread") and the run's live status
 * block is redrawn from the same view the Slack status message uses. A finished run prints its
 * final summary and leaves the live area.
 */
import type { Engine } from '../../engine/api.js';
import type { Clock, Notifier, RunStore } from '../../engine/ports.js';
import type { AuditEvent, Run } from '../../engine/run.js';
import { describeEvent, isFinal } from '../render/events.js';
import { progressBar } from '../render/format.js';
import { currentLine } from '../render/summary.js';
import { eventText, runBlock } from '../render/text.js';
import { loadRunView, type RunView } from '../render/view.js';
import type { Screen } from './screen.js';

export interface ShellNotifierDeps {
  engine: () => Pick<Engine, 'runbookOf'>;
  store: () => Pick<RunStore, 'getGate'>;
  clock: Clock;
  screen: Screen;
}

export class ShellNotifier implements Notifier {
  private readonly latest = new Map<string, Run>();
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly deps: ShellNotifierDeps) {}

  publish(run: Run, events: AuditEvent[]): Promise<void> {
    // Serialised so log lines appear in event order even when two runs publish at once.
    this.chain = this.chain.then(() => this.render(run, events)).catch(() => undefined);
    return this.chain;
  }

  /** Redraws every live block (elapsed time moves between events). */
  async refresh(): Promise<void> {
    for (const run of this.latest.values()) await this.drawStatus(run);
  }

  /** Resolves when everything published so far is on the screen. */
  flushed(): Promise<void> {
    return this.chain;
  }

  private async render(run: Run, events: AuditEvent[]): Promise<void> {
    const known = this.latest.get(run.id);
    if (!known || run.version >= known.version) this.latest.set(run.id, run);
    const runbook = await this.deps
      .engine()
      .runbookOf(run)
      .catch(() => undefined);
    const lines: string[] = [];
    for (const event of events) {
      const line = describeEvent(event, run, runbook, 'text');
      if (line) lines.push(...eventText(line, event.at, run.id, run.runbook.name));
    }
    const final = events.some(isFinal);
    if (final) {
      const { view } = await this.load(run);
      lines.push(...runBlock(view, runbook));
    }
    this.deps.screen.log(lines);
    if (final) {
      this.latest.delete(run.id);
      this.deps.screen.setStatus(run.id, undefined);
    } else {
      await this.drawStatus(run);
    }
  }

  private async drawStatus(run: Run): Promise<void> {
    const latest = this.latest.get(run.id) ?? run;
    const { view, runbook } = await this.load(latest);
    this.deps.screen.setStatus(run.id, {
      lines: runBlock(view, runbook),
      progress: progressLine(view, runbook),
    });
  }

  private load(run: Run) {
    return loadRunView({ engine: this.deps.engine(), store: this.deps.store(), clock: this.deps.clock }, run);
  }
}

/** One line for plain output: printed when progress, step or status changes (not the clock). */
export function progressLine(view: RunView, runbook: Parameters<typeof currentLine>[1]): string {
  const r = view.run;
  const waiting = view.waiting.length
    ? ` · ⏳ approval waiting (${view.waiting.map((w) => `${w.approvals.length}/${w.required}`).join(', ')})`
    : '';
  return `   [${r.runbook.name} ${r.id.slice(-6)}] ${r.mode} ${r.status} ${progressBar(view.done, view.total, 10)} · now: ${currentLine(view, runbook, 'text')}${waiting}`;
}
