/**
 * Slack secrets from SSM Parameter Store, read at cold start (GetParameter WithDecryption) and
 * kept for the life of the container. Only parameter NAMES travel in the environment, so the
 * template and `osls package` never see a secret and packaging needs no credentials.
 */
import { GetParameterCommand, type SSMClient } from '@aws-sdk/client-ssm';
import { DrbotError } from '../../engine/errors.js';

const cache = new Map<string, Promise<string>>();

/** Reads one SecureString parameter; concurrent and later calls share the first read. */
export function readSecret(ssm: Pick<SSMClient, 'send'>, name: string): Promise<string> {
  let pending = cache.get(name);
  if (!pending) {
    pending = fetchSecret(ssm, name);
    cache.set(name, pending);
    // A failed read is not cached: the next invocation tries again.
    pending.catch(() => cache.delete(name));
  }
  return pending;
}

async function fetchSecret(ssm: Pick<SSMClient, 'send'>, name: string): Promise<string> {
  try {
    const out = await ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    const value = out.Parameter?.Value?.trim();
    if (value) return value;
    throw new Error('the parameter has no value');
  } catch (cause) {
    throw new DrbotError(`Could not read the Slack secret ${name} from SSM Parameter Store.`, {
      code: 'SECRET_UNAVAILABLE',
      explanation: `GetParameter ${name} failed: ${cause instanceof Error ? cause.message : String(cause)}.`,
      action: `Create it: aws ssm put-parameter --type SecureString --name ${name} --value …; the function role may read only this name.`,
      cause,
    });
  }
}

/** Forgets cached secrets (tests, or after a rotation). */
export function clearSecretCache(): void {
  cache.clear();
}
