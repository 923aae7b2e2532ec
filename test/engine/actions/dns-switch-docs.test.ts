/** dns.switch says which record types it writes (A, CNAME, no alias), and the README reference agrees. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import dnsSwitch from '../../../engine/actions/dns/switch.js';
import { recordTypeFor } from '../../../engine/adapters/aws/route53.js';

describe('dns.switch record types', () => {
  it('documents A for an IPv4 target, CNAME for a host name, and that alias records are not written', () => {
    const text = dnsSwitch.description;
    expect(text).toMatch(/IPv4 target writes an A record/);
    expect(text).toMatch(/any other target a CNAME/);
    expect(text).toMatch(/Alias records .* are not written/);
    expect(text).toMatch(/zone apex cannot be a CNAME/);
  });

  it('the documented types are the ones the Route 53 adapter writes', () => {
    expect(recordTypeFor('203.0.113.10')).toBe('A');
    expect(recordTypeFor('drbot-r1-db.abc.us-west-2.rds.amazonaws.com')).toBe('CNAME');
  });

  it('the README reference carries the same description', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(dnsSwitch.description);
  });
});
