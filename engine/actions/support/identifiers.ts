/**
 * Deterministic names for what drbot creates in the data tier. A resumed step must find the
 * database or snapshot its earlier attempt created, so names come from the run, the step and the
 * source, never from the clock or a random source.
 */

/** FNV-1a (32 bit) in base 36: short, stable, and enough to tell capture keys apart. */
export function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36).padStart(7, '0');
}

/**
 * An RDS identifier: 1–63 letters, digits and hyphens, starting with a letter, no two hyphens in
 * a row, no trailing hyphen. Long inputs keep a hash of the whole so two never collide by truncation.
 */
export function rdsIdentifier(...parts: string[]): string {
  const raw = parts.join('-').toLowerCase();
  let id = raw.replace(/[^a-z0-9-]/g, '-').replace(/-+/g, '-');
  if (!/^[a-z]/.test(id)) id = `d-${id}`;
  if (id.length > 63) id = `${id.slice(0, 55)}-${shortHash(raw)}`;
  return id.replace(/-+/g, '-').replace(/-$/, '');
}

/** The database a restore step creates: one per run and step, whatever the attempt. */
export function restoreIdentifier(runId: string, stepId: string): string {
  return rdsIdentifier('drbot', runId.slice(-10), stepId);
}

/** The manual snapshot (and its copy) a protect pass takes of one database. */
export function snapshotIdentifier(dbId: string, captureKey: string): string {
  return rdsIdentifier('drbot', dbId.slice(0, 40), shortHash(captureKey));
}
