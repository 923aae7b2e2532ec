/**
 * Slack can deliver one slash command twice: it retries when an ack is slow, and gateways or
 * proxies retry on their own. A run must start once, so each start command is claimed by its
 * `trigger_id` (unique per invocation, repeated by a redelivery) with a conditional write in the
 * shared store — one claim wins across every process or Lambda container that sees the command.
 */
import { randomUUID } from 'node:crypto';
import type { UserFacingError } from '../../engine/errors.js';
import type { BotServices } from '../services.js';

/** True for the first delivery of this trigger id (or when Slack sent none), false for a repeat. */
export async function claimDelivery(services: BotServices, triggerId: string | undefined): Promise<boolean> {
  if (!triggerId) return true;
  const claim = await services.store.acquireLock(
    `slack-trigger:${triggerId}`,
    randomUUID(),
    services.clock.now(),
  );
  return claim.acquired;
}

export const duplicateDelivery: UserFacingError = {
  message: 'This command was already received, so drbot did not act on it again.',
  explanation:
    'Slack delivered the same slash command twice (it retries when an answer is slow); a run starts once per command.',
  action: 'See `/dr runs` for the run the first delivery started; type the command again to start another.',
  code: 'DUPLICATE_DELIVERY',
};
