import { describe, expect, it } from 'vitest';
import {
  DEFAULT_THROTTLE_RETRY_MS,
  drillSafetyError,
  mapAwsError,
} from '../../../../engine/adapters/aws/errors.js';
import { DrbotError, NonRetryableError, RetryAfterError } from '../../../../engine/errors.js';
import { awsError } from './aws-test-helpers.js';

describe('mapAwsError', () => {
  it.each(['RequestLimitExceeded', 'ThrottlingException', 'Throttling', 'TooManyRequestsException'])(
    'maps %s to RetryAfterError with the default delay',
    (code) => {
      const mapped = mapAwsError(awsError(code), 'EC2 DescribeInstances in us-east-1');
      expect(mapped).toBeInstanceOf(RetryAfterError);
      expect((mapped as RetryAfterError).retryAfterMs).toBe(DEFAULT_THROTTLE_RETRY_MS);
      expect(mapped.code).toBe('AWS_THROTTLED');
      expect(mapped.explanation).toContain(code);
    },
  );

  it("treats the SDK's $retryable throttling flag as throttling and honours Retry-After", () => {
    const err = awsError('SlowDown', 'slow down', {
      $retryable: { throttling: true },
      $response: { headers: { 'retry-after': '7' } },
    });
    const mapped = mapAwsError(err, 'SSM SendCommand');
    expect(mapped).toBeInstanceOf(RetryAfterError);
    expect((mapped as RetryAfterError).retryAfterMs).toBe(7000);
  });

  it.each([
    'InvalidInstanceID.NotFound',
    'InvalidParameterValue',
    'InvalidAMIID.Malformed',
    'ValidationException',
  ])('maps %s to NonRetryableError naming the AWS code', (code) => {
    const mapped = mapAwsError(awsError(code, 'bad thing'), 'EC2 RunInstances');
    expect(mapped).toBeInstanceOf(NonRetryableError);
    expect(mapped.code).toBe('AWS_INVALID_REQUEST');
    expect(mapped.explanation).toContain(code);
    expect(mapped.action).toMatch(/fix/i);
  });

  it('maps permission errors to a non-retryable access error with an action', () => {
    const mapped = mapAwsError(awsError('UnauthorizedOperation'), 'EC2 TerminateInstances');
    expect(mapped).toBeInstanceOf(NonRetryableError);
    expect(mapped.code).toBe('AWS_ACCESS_DENIED');
    expect(mapped.action).toMatch(/permission/i);
  });

  it('keeps the SDK error as cause for anything else', () => {
    const original = awsError('InternalError', 'boom');
    const mapped = mapAwsError(original, 'EC2 CopyImage');
    expect(mapped).toBeInstanceOf(DrbotError);
    expect(mapped).not.toBeInstanceOf(NonRetryableError);
    expect(mapped).not.toBeInstanceOf(RetryAfterError);
    expect(mapped.cause).toBe(original);
    expect(mapped.message).toContain('EC2 CopyImage');
  });

  it('leaves drbot errors untouched', () => {
    const refusal = drillSafetyError('terminate', 'run-1', ['i-1']);
    expect(mapAwsError(refusal, 'x')).toBe(refusal);
  });
});
