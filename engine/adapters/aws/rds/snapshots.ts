/**
 * Database recovery points on RDS: a manual snapshot in the source region, copied to the target
 * region (re-encrypted with the target's KMS key, option group mapped), then the source snapshot
 * deleted and the target copies pruned to the newest N. Instances use the DBSnapshot calls,
 * Aurora clusters the DBClusterSnapshot ones. Names derive from the capture key, so a repeated
 * pass finds its snapshots instead of taking new ones.
 */
import {
  CopyDBClusterSnapshotCommand,
  CopyDBSnapshotCommand,
  CreateDBClusterSnapshotCommand,
  CreateDBSnapshotCommand,
  type DBClusterSnapshot,
  type DBSnapshot,
  DeleteDBClusterSnapshotCommand,
  DeleteDBSnapshotCommand,
  DescribeDBClusterSnapshotsCommand,
  DescribeDBSnapshotsCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { snapshotIdentifier } from '../../../actions/support/identifiers.js';
import {
  type Database,
  DB_TAG,
  type DbKind,
  type DbProtectRequest,
  type DbSnapshot,
} from '../../../cloud/database.js';
import { KmsKeyRequiredError } from '../../../cloud/errors.js';
import { awsCall } from '../errors.js';
import { isNotFound, type RdsClients, rdsTagList, rdsTagMap } from './clients.js';

type AnySnapshot = DBSnapshot & DBClusterSnapshot;

function view(s: AnySnapshot, kind: DbKind, region: string): DbSnapshot {
  const status = s.Status ?? '';
  return {
    id: (kind === 'instance' ? s.DBSnapshotIdentifier : s.DBClusterSnapshotIdentifier) ?? '',
    kind,
    region,
    sourceDbId:
      rdsTagMap(s.TagList)[DB_TAG.sourceDb] ??
      (kind === 'instance' ? s.DBInstanceIdentifier : s.DBClusterIdentifier) ??
      '',
    capturedAt: (s.OriginalSnapshotCreateTime ?? s.SnapshotCreateTime ?? new Date(0)).getTime(),
    state:
      status === 'available' ? 'available' : status === 'failed' || status === 'error' ? 'error' : 'creating',
    encrypted: s.Encrypted === true || s.StorageEncrypted === true,
    ...(s.KmsKeyId ? { kmsKeyId: s.KmsKeyId } : {}),
  };
}

/** One snapshot by identifier, or undefined. */
async function findSnapshot(client: RDSClient, kind: DbKind, id: string): Promise<AnySnapshot | undefined> {
  try {
    if (kind === 'instance') {
      const out = await client.send(new DescribeDBSnapshotsCommand({ DBSnapshotIdentifier: id }));
      return out.DBSnapshots?.[0] as AnySnapshot | undefined;
    }
    const out = await client.send(new DescribeDBClusterSnapshotsCommand({ DBClusterSnapshotIdentifier: id }));
    return out.DBClusterSnapshots?.[0] as AnySnapshot | undefined;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    return awsCall(kind === 'instance' ? 'DescribeDBSnapshots' : 'DescribeDBClusterSnapshots', () =>
      Promise.reject(err),
    );
  }
}

/** The manual snapshots of one database in a region (copies keep the source's identifier). */
export async function snapshotsOf(
  client: RDSClient,
  kind: DbKind,
  dbId: string,
  region: string,
): Promise<(DbSnapshot & { managed: boolean })[]> {
  const out: (DbSnapshot & { managed: boolean })[] = [];
  let Marker: string | undefined;
  do {
    const page =
      kind === 'instance'
        ? await awsCall('DescribeDBSnapshots', () =>
            client.send(
              new DescribeDBSnapshotsCommand({
                DBInstanceIdentifier: dbId,
                SnapshotType: 'manual',
                ...(Marker ? { Marker } : {}),
              }),
            ),
          )
        : await awsCall('DescribeDBClusterSnapshots', () =>
            client.send(
              new DescribeDBClusterSnapshotsCommand({
                DBClusterIdentifier: dbId,
                SnapshotType: 'manual',
                ...(Marker ? { Marker } : {}),
              }),
            ),
          );
    const list =
      ('DBSnapshots' in page
        ? page.DBSnapshots
        : (page as { DBClusterSnapshots?: DBClusterSnapshot[] }).DBClusterSnapshots) ?? [];
    for (const s of list)
      out.push({
        ...view(s as AnySnapshot, kind, region),
        managed: rdsTagMap(s.TagList)[DB_TAG.managed] === 'true',
      });
    Marker = page.Marker;
  } while (Marker);
  return out;
}

async function deleteSnapshot(client: RDSClient, kind: DbKind, id: string): Promise<void> {
  try {
    if (kind === 'instance') await client.send(new DeleteDBSnapshotCommand({ DBSnapshotIdentifier: id }));
    else await client.send(new DeleteDBClusterSnapshotCommand({ DBClusterSnapshotIdentifier: id }));
  } catch (err) {
    if (isNotFound(err)) return;
    await awsCall(kind === 'instance' ? 'DeleteDBSnapshot' : 'DeleteDBClusterSnapshot', () =>
      Promise.reject(err),
    );
  }
}

const arnOf = (s: AnySnapshot) => s.DBSnapshotArn ?? s.DBClusterSnapshotArn ?? '';

/** One pass for one database: returns the copy (or the source snapshot while it is in flight) and what was pruned. */
export async function protectOne(
  clients: RdsClients,
  db: Database,
  request: DbProtectRequest,
): Promise<{ snapshot: DbSnapshot; pruned: string[] }> {
  if (db.encrypted && !request.kmsKeyId) throw new KmsKeyRequiredError(db.id, request.targetRegion);
  const source = clients.rds(request.sourceRegion);
  const target = clients.rds(request.targetRegion);
  const id = snapshotIdentifier(db.id, request.captureKey);
  const tags = rdsTagList({
    [DB_TAG.sourceDb]: db.id,
    [DB_TAG.captureKey]: request.captureKey,
    [DB_TAG.managed]: 'true',
  });
  const copy = await findSnapshot(target, db.kind, id);
  if (copy?.Status === 'available') {
    await deleteSnapshot(source, db.kind, id);
    // only drbot's own copies count towards (and are deleted by) the retention
    const managed = (await snapshotsOf(target, db.kind, db.id, request.targetRegion))
      .filter((s) => s.managed)
      .sort((a, b) => b.capturedAt - a.capturedAt);
    const pruned = managed.slice(request.retention).map((s) => s.id);
    for (const p of pruned) await deleteSnapshot(target, db.kind, p);
    return { snapshot: view(copy, db.kind, request.targetRegion), pruned };
  }
  if (copy) return { snapshot: view(copy, db.kind, request.targetRegion), pruned: [] };
  let snap = await findSnapshot(source, db.kind, id);
  if (!snap) {
    const created =
      db.kind === 'instance'
        ? (
            await awsCall('CreateDBSnapshot', () =>
              source.send(
                new CreateDBSnapshotCommand({
                  DBInstanceIdentifier: db.id,
                  DBSnapshotIdentifier: id,
                  Tags: tags,
                }),
              ),
            )
          ).DBSnapshot
        : (
            await awsCall('CreateDBClusterSnapshot', () =>
              source.send(
                new CreateDBClusterSnapshotCommand({
                  DBClusterIdentifier: db.id,
                  DBClusterSnapshotIdentifier: id,
                  Tags: tags,
                }),
              ),
            )
          ).DBClusterSnapshot;
    snap = (created ?? {}) as AnySnapshot;
  }
  if (snap.Status !== 'available') return { snapshot: view(snap, db.kind, request.sourceRegion), pruned: [] };
  const kms = request.kmsKeyId ? { KmsKeyId: request.kmsKeyId } : {};
  const optionGroup = db.optionGroup && request.optionGroups?.[db.optionGroup];
  const copied =
    db.kind === 'instance'
      ? (
          await awsCall('CopyDBSnapshot', () =>
            target.send(
              new CopyDBSnapshotCommand({
                SourceDBSnapshotIdentifier: arnOf(snap),
                TargetDBSnapshotIdentifier: id,
                ...kms,
                ...(optionGroup ? { OptionGroupName: optionGroup } : {}),
                Tags: tags,
              }),
            ),
          )
        ).DBSnapshot
      : (
          await awsCall('CopyDBClusterSnapshot', () =>
            target.send(
              new CopyDBClusterSnapshotCommand({
                SourceDBClusterSnapshotIdentifier: arnOf(snap),
                TargetDBClusterSnapshotIdentifier: id,
                ...kms,
                Tags: tags,
              }),
            ),
          )
        ).DBClusterSnapshot;
  return {
    snapshot: view((copied ?? { Status: 'copying' }) as AnySnapshot, db.kind, request.targetRegion),
    pruned: [],
  };
}
