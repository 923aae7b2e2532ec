import { describe, expect, it } from 'vitest';
import { AwsCloudProvider } from '../../../../engine/adapters/aws/provider.js';
import { AWS_PROVIDER } from '../../../../engine/cloud/providers.js';
import { SLICE_METHODS } from '../cloud-contract.js';

describe('AwsCloudProvider descriptor', () => {
  it('implements every capability slice it declares', () => {
    const aws = new AwsCloudProvider();
    expect(aws.descriptor).toBe(AWS_PROVIDER);
    for (const capability of aws.descriptor.capabilities) {
      for (const method of SLICE_METHODS[capability] ?? []) {
        expect(typeof (aws as unknown as Record<string, unknown>)[method], `${capability}.${method}`).toBe(
          'function',
        );
      }
    }
  });
});
