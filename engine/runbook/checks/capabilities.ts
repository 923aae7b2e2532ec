/**
 * Capability checks: the runbook's provider (`spec.provider`, default aws) must implement every
 * capability that its steps' actions declare, compensations included. An action that needs
 * DNS on a provider without DNS is refused here, not halfway through a failover.
 */
import type { ProviderDescriptor } from '../../cloud/provider.js';
import { DEFAULT_PROVIDER } from '../../cloud/providers.js';
import type { PathSegment } from '../source.js';
import { suggestHint } from '../suggest.js';
import { type CheckContext, definedModes, stepsOf } from './context.js';

export function checkCapabilities(ctx: CheckContext, providers: readonly ProviderDescriptor[]): void {
  const name = ctx.doc.spec.provider ?? DEFAULT_PROVIDER;
  const provider = providers.find((p) => p.name === name);
  if (!provider) {
    ctx.issues.push(
      ctx.source.issue(['spec', 'provider'], 'UNKNOWN_PROVIDER', `unknown provider "${name}"`, {
        hint: suggestHint(
          name,
          providers.map((p) => p.name),
          'provider',
        ),
      }),
    );
    return;
  }
  for (const mode of definedModes(ctx.doc)) {
    for (const ref of stepsOf(ctx.doc, mode)) {
      check(ctx, provider, providers, ref.step.action, [...ref.path, 'action']);
      if (ref.step.compensate)
        check(ctx, provider, providers, ref.step.compensate.action, [...ref.path, 'compensate', 'action']);
    }
  }
}

function check(
  ctx: CheckContext,
  provider: ProviderDescriptor,
  providers: readonly ProviderDescriptor[],
  action: string,
  path: PathSegment[],
): void {
  const needed = ctx.actions.get(action)?.capabilities ?? [];
  const missing = needed.filter((c) => !provider.capabilities.includes(c));
  if (missing.length === 0) return;
  const others = providers
    .filter((p) => p !== provider && missing.every((c) => p.capabilities.includes(c)))
    .map((p) => p.name);
  ctx.issues.push(
    ctx.source.issue(
      path,
      'CAPABILITY_MISSING',
      `${action} needs the ${missing.join(', ')} capability, which provider "${provider.name}" (${provider.title}) does not implement`,
      {
        hint:
          others.length > 0
            ? `use another action, or set spec.provider to ${others.map((o) => `"${o}"`).join(' or ')}`
            : `no provider implements ${missing.join(', ')} yet: remove the step or replace it with a manual step`,
      },
    ),
  );
}
