/**
 * NextToken pagination and tag filters shared by the network adapter. Every describe follows
 * NextToken to the end, so a VPC with hundreds of rules or routes is read whole.
 */
import type { Filter } from '@aws-sdk/client-ec2';
import { awsCall } from '../errors.js';

interface Paged {
  NextToken?: string;
}

/** Calls `call` page after page until AWS stops returning a NextToken; concatenates `pick`. */
export async function allPages<I extends Paged, O extends Paged, T>(
  operation: string,
  call: (input: I) => Promise<O>,
  input: I,
  pick: (output: O) => T[] | undefined,
): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const page = await awsCall(operation, () => call({ ...input, NextToken: token }));
    out.push(...(pick(page) ?? []));
    token = page.NextToken;
  } while (token);
  return out;
}

export function filter(name: string, ...values: string[]): Filter {
  return { Name: name, Values: values };
}
