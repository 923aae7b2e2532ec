/**
 * The loopback fake's ECS world: instances, disks, custom images, snapshots and Cloud Assistant
 * commands, with a clock the test advances. Status changes happen when the clock passes their
 * time (RunInstances → Running after `launchMs`, images Available after `imageMs` …).
 */

export interface FakeInstance {
  InstanceId: string;
  RegionId: string;
  ZoneId: string;
  InstanceType: string;
  ImageId: string;
  VpcId: string;
  VSwitchId: string;
  PrivateIp: string;
  SecurityGroupIds: string[];
  RamRoleName?: string;
  UserData?: string;
  tags: Record<string, string>;
  status: 'Pending' | 'Running' | 'Starting' | 'Stopping' | 'Stopped';
  /** When a transitional status ends (clock ms). */
  until?: number;
  cloudAssistant: boolean;
}

export interface FakeDisk {
  DiskId: string;
  InstanceId: string;
  RegionId: string;
  Device: string;
  Size: number;
  Category: string;
  Type: 'system' | 'data';
}

export interface FakeImage {
  ImageId: string;
  RegionId: string;
  ImageName: string;
  sourceInstanceId?: string;
  tags: Record<string, string>;
  createdAt: number;
  availableAt: number;
  failed?: boolean;
}

export interface FakeSnapshot {
  SnapshotId: string;
  RegionId: string;
  SourceDiskId: string;
  tags: Record<string, string>;
  createdAt: number;
  availableAt: number;
}

export interface FakeCommand {
  CommandId: string;
  RegionId: string;
  Name: string;
  Type: string;
  /** base64, as the API stores it. */
  CommandContent: string;
  Description: string;
  EnableParameter: boolean;
  ParameterNames: string[];
}

export interface FakeInvocation {
  InvokeId: string;
  RegionId: string;
  CommandId: string;
  instanceIds: string[];
  parameters: Record<string, string>;
  doneAt: number;
}

/** Region → the two-letter zone infix Alibaba uses in resource ids (i-bp…, i-uf…). */
const REGION_INFIX: Record<string, string> = { 'cn-hangzhou': 'bp', 'cn-shanghai': 'uf', 'cn-beijing': '2z' };

export class EcsFakeState {
  now = 1_767_225_600_000; // 2026-01-01T00:00:00Z
  launchMs = 20_000;
  imageMs = 30_000;
  stopMs = 10_000;
  commandMs = 5_000;
  readonly instances = new Map<string, FakeInstance>();
  readonly disks = new Map<string, FakeDisk>();
  readonly images = new Map<string, FakeImage>();
  readonly snapshots = new Map<string, FakeSnapshot>();
  readonly commands = new Map<string, FakeCommand>();
  readonly invocations = new Map<string, FakeInvocation>();
  /** ClientToken → the answer of the first call with it, per action. */
  readonly tokens = new Map<string, unknown>();
  /** Region → instance types with no stock there. */
  readonly noStock = new Map<string, Set<string>>();
  /** vSwitch id → its zone, VPC and CIDR prefix (from the VPC fake). */
  readonly vswitches = new Map<
    string,
    {
      ZoneId: string;
      VpcId: string;
      RegionId: string;
      prefix: string;
      /** Set by CreateVSwitch (seeded ones are `<prefix>.0/24`). */
      CidrBlock?: string;
      tags?: Record<string, string>;
    }
  >();
  private seq = 0;

  id(prefix: string, region: string): string {
    this.seq += 1;
    return `${prefix}-${REGION_INFIX[region] ?? 'zz'}${this.seq.toString(36).padStart(18, '0')}`;
  }

  advance(ms: number): void {
    this.now += ms;
    for (const i of this.instances.values()) {
      if (i.until === undefined || i.until > this.now) continue;
      if (i.status === 'Pending' || i.status === 'Starting') i.status = 'Running';
      else if (i.status === 'Stopping') i.status = 'Stopped';
      i.until = undefined;
    }
  }

  imageStatus(image: FakeImage): string {
    if (image.failed) return 'CreateFailed';
    return image.availableAt <= this.now ? 'Available' : 'Creating';
  }

  snapshotStatus(snapshot: FakeSnapshot): string {
    return snapshot.availableAt <= this.now ? 'accomplished' : 'progressing';
  }

  /** Adds a running instance with a system disk (test seeding). */
  addInstance(
    seed: Partial<FakeInstance> & { RegionId: string; ZoneId: string; tags?: Record<string, string> },
  ): FakeInstance {
    const instance: FakeInstance = {
      InstanceId: seed.InstanceId ?? this.id('i', seed.RegionId),
      InstanceType: 'ecs.g7.large',
      ImageId: 'aliyun_3_x64_20G_alibase_20250101.vhd',
      VpcId: 'vpc-none',
      VSwitchId: 'vsw-none',
      PrivateIp: `192.168.0.${10 + this.instances.size}`,
      SecurityGroupIds: [],
      status: 'Running',
      cloudAssistant: true,
      tags: {},
      ...seed,
    };
    this.instances.set(instance.InstanceId, instance);
    const DiskId = this.id('d', seed.RegionId);
    this.disks.set(DiskId, {
      DiskId,
      InstanceId: instance.InstanceId,
      RegionId: seed.RegionId,
      Device: '/dev/xvda',
      Size: 40,
      Category: 'cloud_essd',
      Type: 'system',
    });
    return instance;
  }

  /** Adds an available custom image (test seeding). */
  addImage(seed: Partial<FakeImage> & { RegionId: string }): FakeImage {
    const image: FakeImage = {
      ImageId: seed.ImageId ?? this.id('m', seed.RegionId),
      ImageName: `seed-${this.seq}`,
      tags: {},
      createdAt: this.now,
      availableAt: this.now,
      ...seed,
    };
    this.images.set(image.ImageId, image);
    return image;
  }
}
