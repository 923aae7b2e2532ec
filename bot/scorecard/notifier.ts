/**
 * Posts the scorecard when a drill ends, wherever drills run (Lambda worker, local driver loop):
 * it wraps the front end's Notifier and, after forwarding the events, reacts to the run's final
 * event. Being a Notifier it must never throw; failures are logged and the run is unaffected.
 */
import type { Clock, Notifier, RunStore } from '../../engine/ports.js';
import type { AuditEvent, Run } from '../../engine/run.js';
import type { SlackMessage } from '../render/slack-status.js';
import { scorecardMessage } from './render.js';
import { loadScorecard, type Scorecard, type ScorecardOptions } from './scorecard.js';

const FINAL_KINDS = new Set<AuditEvent['kind']>(['run.succeeded', 'run.failed', 'run.aborted']);

/** Delivers a finished drill's scorecard (Slack: a reply in the run's thread). */
export type ScorecardPoster = (run: Run, message: SlackMessage, card: Scorecard) => Promise<void>;

export interface ScorecardNotifierOptions {
  /** The front end's notifier; receives every event first, unchanged. */
  inner: Notifier;
  store: RunStore;
  clock: Clock;
  post: ScorecardPoster;
  scorecard?: ScorecardOptions;
  /** @default console.error */
  log?: (message: string, err?: unknown) => void;
}

/** True when these events end a drill (its scorecard is due). */
export function endsDrill(run: Run, events: readonly AuditEvent[]): boolean {
  return run.mode === 'drill' && events.some((event) => FINAL_KINDS.has(event.kind));
}

export function withScorecard(options: ScorecardNotifierOptions): Notifier {
  const log = options.log ?? ((message, err) => console.error(message, err));
  return {
    async publish(run, events) {
      await options.inner.publish(run, events);
      if (!endsDrill(run, events)) return;
      try {
        const card = await loadScorecard(options.store, run, options.clock.now(), options.scorecard);
        await options.post(run, scorecardMessage(card), card);
      } catch (err) {
        log(`drbot: could not post the scorecard of drill ${run.id}`, err);
      }
    },
  };
}
