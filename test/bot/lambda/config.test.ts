import type { GetParameterCommand } from '@aws-sdk/client-ssm';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../bot/config.js';
import { readLambdaConfig } from '../../../bot/lambda/config.js';
import { clearSecretCache, readSecret } from '../../../bot/lambda/secrets.js';

describe('readLambdaConfig', () => {
  it('names every missing variable at once, with how to fix it', () => {
    let error: unknown;
    try {
      readLambdaConfig({});
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of [
      'DRBOT_TABLE',
      'DRBOT_QUEUE_URL',
      'DRBOT_REGION',
      'DRBOT_SLACK_SIGNING_SECRET_PARAM',
      'DRBOT_SLACK_BOT_TOKEN_PARAM',
    ]) {
      expect(problems).toContain(name);
    }
    expect(problems).toContain("never a runbook's source region");
  });

  it('reads parameter names, not secret values, from the environment', () => {
    const config = readLambdaConfig({
      DRBOT_TABLE: 't',
      DRBOT_QUEUE_URL: 'https://sqs.us-west-2.amazonaws.com/1/q',
      DRBOT_REGION: 'us-west-2',
      DRBOT_SLACK_SIGNING_SECRET_PARAM: '/drbot/prod/slack-signing-secret',
      DRBOT_SLACK_BOT_TOKEN_PARAM: '/drbot/prod/slack-bot-token',
    });
    expect(config).toEqual({
      table: 't',
      queueUrl: 'https://sqs.us-west-2.amazonaws.com/1/q',
      region: 'us-west-2',
      runbookDir: 'runbooks',
      secrets: {
        signingSecretParam: '/drbot/prod/slack-signing-secret',
        botTokenParam: '/drbot/prod/slack-bot-token',
      },
    });
  });

  it('rejects a queue URL that is not a URL', () => {
    expect(() =>
      readLambdaConfig({
        DRBOT_TABLE: 't',
        DRBOT_QUEUE_URL: 'drbot-queue',
        DRBOT_REGION: 'r',
        SLACK_SIGNING_SECRET: 's',
        SLACK_BOT_TOKEN: 'xoxb-1',
      }),
    ).toThrow(ConfigError);
  });
});

describe('readSecret', () => {
  beforeEach(() => clearSecretCache());

  it('decrypts the parameter once and reuses it for the life of the container', async () => {
    const calls: GetParameterCommand['input'][] = [];
    const ssm = {
      send: (command: unknown) => {
        calls.push((command as GetParameterCommand).input);
        return Promise.resolve({ Parameter: { Value: 's3cret' } });
      },
    };
    expect(await readSecret(ssm, '/drbot/prod/x')).toBe('s3cret');
    expect(await readSecret(ssm, '/drbot/prod/x')).toBe('s3cret');
    expect(calls).toEqual([{ Name: '/drbot/prod/x', WithDecryption: true }]);
  });

  it('explains a missing parameter with the command that creates it, and retries next time', async () => {
    let fail = true;
    const ssm = {
      send: () =>
        fail
          ? Promise.reject(new Error('ParameterNotFound'))
          : Promise.resolve({ Parameter: { Value: 'v' } }),
    };
    await expect(readSecret(ssm, '/drbot/prod/y')).rejects.toMatchObject({
      code: 'SECRET_UNAVAILABLE',
      action: expect.stringContaining('aws ssm put-parameter --type SecureString --name /drbot/prod/y'),
    });
    fail = false;
    expect(await readSecret(ssm, '/drbot/prod/y')).toBe('v');
  });
});
