/**
 * The audit trail on DynamoDB, by pages: the events of seqs 1–16 of a run live in one item,
 * 17–32 in the next (AUDIT_PAGE_SIZE), each event in its own attribute `e<seq>`. Appending a
 * commit's events is one conditional UpdateItem per page touched, instead of one PutItem per
 * event: `SET #a0 = :v0, … IF attribute_not_exists(#a0) AND …`, so each (runId, seq) is still
 * claimed at most once, atomically, and writers of different seqs of a page never clash.
 *
 * An event too large to share a page (over INLINE_EVENT_MAX_BYTES, e.g. `run.started` carrying
 * a big runbook) is written first as its own item `AUDIT#<seq>` (on `attribute_not_exists`),
 * then claimed in its page with a marker. Readers take a page's inline entry when there is one,
 * else the single-event item: that also reads trails written before pages existed, and a large
 * event whose writer died between the two writes.
 */
import type { AuditEvent } from '../../run.js';
import { assertFitsInItem } from './errors.js';
import type { DynamoItems, Item } from './items.js';
import {
  AUDIT_PAGE_SIZE,
  auditPageFirstSeq,
  auditSortKey,
  type ItemKey,
  keys,
  LAST_AUDIT_SORT_KEY,
} from './keys.js';

/** Larger events get their own item, so a full page stays well under the 400 KB item limit. */
export const INLINE_EVENT_MAX_BYTES = 8 * 1024;

/** A page's value for an event stored in its own item. Event JSON always starts with `{`. */
const SPILLED = '@spilled';

const PAGE_SUFFIX = '#PAGE';
const EVENT_ATTRIBUTE = /^e(\d+)$/;

interface Entry {
  event: AuditEvent;
  /** The event's JSON, or SPILLED when the event has its own item. */
  value: string;
  spilledJson?: string;
}

interface Page {
  key: ItemKey;
  entries: Entry[];
}

/**
 * Appends events, each seq at most once per run. Writes every fresh event and answers the ones
 * that were not written because their seq was already taken (or repeated within `events`).
 */
export async function appendAuditEvents(items: DynamoItems, events: AuditEvent[]): Promise<AuditEvent[]> {
  const duplicates: AuditEvent[] = [];
  const pages = new Map<string, Page>();
  const seen = new Set<string>();
  for (const event of events) {
    const id = `${event.runId}\u0000${event.seq}`;
    if (seen.has(id)) {
      duplicates.push(event);
      continue;
    }
    seen.add(id);
    const json = JSON.stringify(event);
    const entry: Entry = { event, value: json };
    if (Buffer.byteLength(json, 'utf8') > INLINE_EVENT_MAX_BYTES) {
      assertFitsInItem('audit event', json, { runId: event.runId, seq: event.seq });
      entry.value = SPILLED;
      entry.spilledJson = json;
    }
    const key = keys.auditPage(event.runId, event.seq);
    const pageId = `${key.PK}\u0000${key.SK}`;
    const page = pages.get(pageId) ?? { key, entries: [] };
    page.entries.push(entry);
    pages.set(pageId, page);
  }

  // Large events first: their item must exist before the page claims them (see the header).
  const spilled = [...pages.values()].flatMap((page) => page.entries.filter((e) => e.spilledJson));
  const bodyWritten = await Promise.all(spilled.map((entry) => putSpilledBody(items, entry)));
  const refused = new Set(spilled.filter((_, i) => !bodyWritten[i]));
  duplicates.push(...[...refused].map((entry) => entry.event));

  const lost = await Promise.all(
    [...pages.values()].map((page) =>
      claimInPage(
        items,
        page.key,
        page.entries.filter((e) => !refused.has(e)),
      ),
    ),
  );
  for (const entry of lost.flat()) {
    duplicates.push(entry.event);
    // Our large event's item lost its page claim: the page's own entry is the one readers see.
    if (entry.spilledJson !== undefined) {
      await items
        .delete('appendAudit', keys.audit(entry.event.runId, entry.event.seq))
        .catch(() => undefined);
    }
  }
  return duplicates;
}

/** Events of `runId` with seq above `afterSeq`, in seq order: one strongly consistent range query. */
export async function listAuditEvents(
  items: DynamoItems,
  runId: string,
  afterSeq?: number,
): Promise<AuditEvent[]> {
  const from = afterSeq === undefined ? 1 : Math.max(1, Math.floor(afterSeq) + 1);
  const found = await items.query({
    KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
    ExpressionAttributeValues: {
      ':pk': keys.run(runId).PK,
      ':from': auditSortKey(auditPageFirstSeq(from)),
      ':to': LAST_AUDIT_SORT_KEY,
    },
    ConsistentRead: true,
  });
  const inline = new Map<number, string>();
  const single = new Map<number, string>();
  for (const item of found) {
    if ((item.SK as string).endsWith(PAGE_SUFFIX)) {
      for (const [attribute, value] of Object.entries(item)) {
        const seq = Number(EVENT_ATTRIBUTE.exec(attribute)?.[1] ?? Number.NaN);
        if (seq >= from && value !== SPILLED) inline.set(seq, value as string);
      }
    } else if ((item.seq as number) >= from) {
      single.set(item.seq as number, item.event as string);
    }
  }
  for (const [seq, json] of single) if (!inline.has(seq)) inline.set(seq, json);
  return [...inline.entries()].sort(([a], [b]) => a - b).map(([, json]) => JSON.parse(json) as AuditEvent);
}

async function putSpilledBody(items: DynamoItems, entry: Entry): Promise<boolean> {
  const { runId, seq } = entry.event;
  return items.put(
    'appendAudit',
    { ...keys.audit(runId, seq), seq, event: entry.spilledJson },
    { expression: 'attribute_not_exists(PK)' },
  );
}

/**
 * Claims the entries' seqs in one page item, all or nothing per attempt. When some seq is taken,
 * reads the page, sets those aside and claims the rest; claims are never removed, so each retry
 * has fewer entries and the loop ends within AUDIT_PAGE_SIZE attempts. Answers the taken ones.
 */
async function claimInPage(items: DynamoItems, key: ItemKey, entries: Entry[]): Promise<Entry[]> {
  if (entries.length === 0) return [];
  if (startsPage(entries) && (await claimFreshPage(items, key, entries))) return [];
  const taken: Entry[] = [];
  let pending = entries;
  for (let attempt = 0; pending.length > 0 && attempt <= AUDIT_PAGE_SIZE; attempt++) {
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    pending.forEach((entry, i) => {
      names[`#a${i}`] = eventAttribute(entry.event.seq);
      values[`:v${i}`] = entry.value;
    });
    const placeholders = pending.map((_, i) => i);
    const claimed = await items.update(
      'appendAudit',
      key,
      {
        UpdateExpression: `SET ${placeholders.map((i) => `#a${i} = :v${i}`).join(', ')}`,
        ReturnValues: 'NONE',
      },
      {
        expression: placeholders.map((i) => `attribute_not_exists(#a${i})`).join(' AND '),
        names,
        values,
      },
    );
    if (claimed !== undefined) return taken;
    const stored: Item = (await items.get(key)) ?? {};
    const isTaken = (entry: Entry) => stored[eventAttribute(entry.event.seq)] !== undefined;
    taken.push(...pending.filter(isTaken));
    pending = pending.filter((entry) => !isTaken(entry));
  }
  // Unreachable unless the table is edited by hand while we write: report the rest as taken.
  return [...taken, ...pending];
}

/**
 * Whether the entries hold their page's first seq: the commits before them ended below it, so
 * the page most likely does not exist yet (appends run in commit order).
 */
function startsPage(entries: Entry[]): boolean {
  const first = entries[0] as Entry;
  return entries.some((entry) => entry.event.seq === auditPageFirstSeq(first.event.seq));
}

/**
 * Creates the page with the entries, on the condition that it does not exist. That implies every
 * per-seq claim, with one condition instead of one per seq and a plain PutItem (no update
 * expression): on dynalite, which parses expressions on the engine's event loop, the 16-clause
 * conditions were most of an append's CPU. When the page exists after all (a later commit's
 * append landed first), the per-seq claims decide.
 */
async function claimFreshPage(items: DynamoItems, key: ItemKey, entries: Entry[]): Promise<boolean> {
  const page: Item = { ...key };
  for (const entry of entries) page[eventAttribute(entry.event.seq)] = entry.value;
  return items.put('appendAudit', page, { expression: 'attribute_not_exists(PK)' });
}

function eventAttribute(seq: number): string {
  return `e${seq}`;
}
