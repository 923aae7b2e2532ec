/**
 * The fake's VPC world (seeded VPCs and vSwitches; the VPC operations are vpc-network.ts) and its
 * Alidns operations (DescribeSubDomainRecords, UpdateDomainRecord, DescribeDomainRecordInfo).
 */
import type { Handler } from './ecs-instances.js';
import type { EcsFakeState } from './ecs-state.js';
import { ApiError, required } from './params.js';

export interface FakeVpc {
  VpcId: string;
  RegionId: string;
  CidrBlock: string;
  VpcName: string;
  SecondaryCidrBlocks?: string[];
  tags?: Record<string, string>;
  NatGatewayIds?: string[];
  /** DescribeVpcs answers Pending this many more times (CreateVpc sets it), then Available. */
  pendingDescribes?: number;
}

export interface FakeRecord {
  RecordId: string;
  DomainName: string;
  RR: string;
  Type: string;
  Value: string;
  TTL: number;
}

export class VpcDnsFakeState {
  readonly vpcs = new Map<string, FakeVpc>();
  readonly records = new Map<string, FakeRecord>();
  constructor(private readonly ecs: EcsFakeState) {}

  addVpc(
    region: string,
    cidr: string,
    vswitches: { zone: string; cidr: string }[],
  ): { vpcId: string; vswitchIds: string[] } {
    const VpcId = this.ecs.id('vpc', region);
    this.vpcs.set(VpcId, { VpcId, RegionId: region, CidrBlock: cidr, VpcName: VpcId, tags: {} });
    const vswitchIds = vswitches.map((v) => {
      const id = this.ecs.id('vsw', region);
      this.ecs.vswitches.set(id, {
        ZoneId: v.zone,
        VpcId,
        RegionId: region,
        prefix: v.cidr.split('.').slice(0, 3).join('.'),
      });
      return id;
    });
    return { vpcId: VpcId, vswitchIds };
  }

  addRecord(domain: string, rr: string, type: string, value: string): FakeRecord {
    const record = {
      RecordId: String(9_000_000 + this.records.size),
      DomainName: domain,
      RR: rr,
      Type: type,
      Value: value,
      TTL: 600,
    };
    this.records.set(record.RecordId, record);
    return record;
  }
}

function recordView(r: FakeRecord): Record<string, unknown> {
  return { ...r, Status: 'ENABLE', Line: 'default', Locked: false, Weight: 1 };
}

export function dnsHandlers(state: VpcDnsFakeState): Record<string, Handler> {
  return {
    DescribeSubDomainRecords: (_s, p) => {
      required(p, 'DescribeSubDomainRecords', ['SubDomain']);
      const found = [...state.records.values()].filter(
        (r) =>
          `${r.RR === '@' ? '' : `${r.RR}.`}${r.DomainName}` === p.SubDomain &&
          (!p.Type || r.Type === p.Type),
      );
      return {
        DomainRecords: { Record: found.map(recordView) },
        TotalCount: found.length,
        PageNumber: 1,
        PageSize: 20,
      };
    },
    UpdateDomainRecord: (_s, p) => {
      required(p, 'UpdateDomainRecord', ['RecordId', 'RR', 'Type', 'Value']);
      const record = state.records.get(p.RecordId as string);
      if (!record)
        throw new ApiError(
          400,
          'DomainRecordNotBelongToUser',
          'The DNS record does not exist or does not belong to you.',
        );
      if (record.RR === p.RR && record.Type === p.Type && record.Value === p.Value)
        throw new ApiError(400, 'DomainRecordDuplicate', 'The DNS record already exists.');
      Object.assign(record, {
        RR: p.RR,
        Type: p.Type,
        Value: p.Value,
        ...(p.TTL ? { TTL: Number(p.TTL) } : {}),
      });
      return { RecordId: record.RecordId };
    },
    DescribeDomainRecordInfo: (_s, p) => {
      required(p, 'DescribeDomainRecordInfo', ['RecordId']);
      const record = state.records.get(p.RecordId as string);
      if (!record)
        throw new ApiError(
          400,
          'DomainRecordNotBelongToUser',
          'The DNS record does not exist or does not belong to you.',
        );
      return recordView(record);
    },
  };
}
