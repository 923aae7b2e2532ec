/**
 * The network mapping: source id ↔ target id for every replicated resource (and source zone ↔
 * target zone), readable both ways. One document per source VPC is the current mapping: a new
 * replication of that VPC replaces it. Failover reads it forward, failback in reverse.
 */
import { type CidrRemap, ipInCidr, remapIp, reverseRemap } from './cidr.js';

export type MappedKind =
  | 'vpc'
  | 'dhcp-options'
  | 'subnet'
  | 'internet-gateway'
  | 'egress-only-gateway'
  | 'nat-gateway'
  | 'elastic-ip'
  | 'route-table'
  | 'network-acl'
  | 'security-group'
  | 'vpc-endpoint'
  | 'zone';

export interface MappingEntry {
  kind: MappedKind;
  sourceId: string;
  targetId: string;
}

/** The stored mapping of one source VPC (RunStore doc kind `network-mapping`). */
export interface VpcMappingDoc {
  version: 1;
  sourceRegion: string;
  targetRegion: string;
  sourceVpcId: string;
  targetVpcId: string;
  /** The source VPC's IPv4 ranges, to know which remap applies to an address. */
  sourceCidrs: string[];
  cidrRemap?: CidrRemap;
  entries: MappingEntry[];
  /** Epoch ms of the replication that wrote it. */
  replicatedAt: number;
  /** The run (or `cli`) that wrote it. */
  replicatedBy?: string;
}

/** Reads ids and IPs from one side to the other. */
export interface Translator {
  readonly direction: 'forward' | 'reverse';
  readonly fromRegion: string;
  readonly toRegion: string;
  /** The other side's id, or undefined when the resource was not replicated. */
  id(id: string): string | undefined;
  /** The address on the other side (remapped when a CIDR remap applies, else the same). */
  ip(ip: string): string;
}

export class NetworkMapping {
  private readonly toTarget = new Map<string, MappingEntry>();
  private readonly toSource = new Map<string, MappingEntry>();

  constructor(readonly vpcs: readonly VpcMappingDoc[]) {
    for (const doc of vpcs) {
      for (const entry of doc.entries) {
        this.toTarget.set(entry.sourceId, entry);
        this.toSource.set(entry.targetId, entry);
      }
    }
  }

  get empty(): boolean {
    return this.vpcs.length === 0;
  }

  get sourceRegion(): string | undefined {
    return this.vpcs[0]?.sourceRegion;
  }

  get targetRegion(): string | undefined {
    return this.vpcs[0]?.targetRegion;
  }

  lookupTarget(sourceId: string): string | undefined {
    return this.toTarget.get(sourceId)?.targetId;
  }

  lookupSource(targetId: string): string | undefined {
    return this.toSource.get(targetId)?.sourceId;
  }

  entries(kind?: MappedKind): MappingEntry[] {
    const all = this.vpcs.flatMap((d) => d.entries);
    return kind ? all.filter((e) => e.kind === kind) : all;
  }

  /** A source address as it is on the target side. */
  targetIp(ip: string): string {
    const doc = this.vpcs.find((d) => d.cidrRemap && d.sourceCidrs.some((c) => ipInCidr(ip, c)));
    return remapIp(ip, doc?.cidrRemap);
  }

  /** A target address as it was on the source side. */
  sourceIp(ip: string): string {
    const doc = this.vpcs.find((d) => d.cidrRemap && ipInCidr(ip, d.cidrRemap.to));
    return doc?.cidrRemap ? remapIp(ip, reverseRemap(doc.cidrRemap)) : ip;
  }

  /** source → target: drills and failover. */
  forward(): Translator {
    return {
      direction: 'forward',
      fromRegion: this.sourceRegion ?? '',
      toRegion: this.targetRegion ?? '',
      id: (id) => this.lookupTarget(id),
      ip: (ip) => this.targetIp(ip),
    };
  }

  /** target → source: failback, looking the source up by the target value. */
  reverse(): Translator {
    return {
      direction: 'reverse',
      fromRegion: this.targetRegion ?? '',
      toRegion: this.sourceRegion ?? '',
      id: (id) => this.lookupSource(id),
      ip: (ip) => this.sourceIp(ip),
    };
  }

  /** The translator for a run mode: failback reads the mapping in reverse. */
  forMode(mode: string): Translator {
    return mode === 'failback' ? this.reverse() : this.forward();
  }
}
