/**
 * Saves the sim state in the run store and loads it back. A state that fits is ONE document
 * (`sim/state`, the plain SimState, as before). A larger one (a generated world of 1000
 * instances is ~700 KB of JSON, a DynamoDB item holds 400 KB) is split: its JSON text is cut
 * into shards of at most `maxDocBytes` each, and `sim/state` becomes a small header naming the
 * generation and the number of shards.
 *
 * Why a crash never leaves a torn state with only `putDoc`: shards are written under ids of one
 * of two slots, `state-<generation % 2>-<n>`, always the slot the current header does NOT point
 * at; the header is written last. A crash before the header write leaves the header on the
 * previous generation, whose shards sit in the other slot, untouched. Each shard also carries its
 * generation, so a shard from another save (two processes writing one store, which local mode
 * never does: the embedded DynamoDB is locked by one process) is detected, not silently mixed.
 * The slots are reused, so the store holds at most two generations of shards, not one per save.
 */
import { DrbotError } from '../../errors.js';
import type { RunStore } from '../../ports.js';
import type { SimState } from './state.js';

export interface SimStateStoreOptions {
  /** Kind of the store documents. @default 'sim' */
  kind?: string;
  /** Id of the header (or whole-state) document; shards are `<id>-<slot>-<n>`. @default 'state' */
  id?: string;
  /** Largest JSON body of one document: DynamoDB's 400 KB item limit, with room to spare. @default 300 KB */
  maxDocBytes?: number;
}

/** What `sim/state` holds when the state is sharded. */
export interface SimStateHeader {
  format: 'sim-state-shards';
  generation: number;
  shards: number;
  /** Length of the whole JSON text, checked when the shards are joined. */
  chars: number;
}

interface SimStateShard {
  generation: number;
  index: number;
  text: string;
}

export const DEFAULT_MAX_DOC_BYTES = 300 * 1024;
/** Room for `{"generation":…,"index":…,"text":…}` around a shard's text. */
const SHARD_ENVELOPE_BYTES = 128;

type DocStore = Pick<RunStore, 'getDoc' | 'putDoc'>;

export class SimStateStore {
  private readonly kind: string;
  private readonly id: string;
  private readonly maxDocBytes: number;
  /** The generation the header points at; undefined until read or written. */
  private generation: number | undefined;

  constructor(
    private readonly store: DocStore,
    options: SimStateStoreOptions = {},
  ) {
    this.kind = options.kind ?? 'sim';
    this.id = options.id ?? 'state';
    this.maxDocBytes = options.maxDocBytes ?? DEFAULT_MAX_DOC_BYTES;
    if (this.maxDocBytes <= SHARD_ENVELOPE_BYTES * 2)
      throw new RangeError('SimStateStore: maxDocBytes is too small');
  }

  /** The saved state (one document, or the generation the header names), or undefined. */
  async load(): Promise<SimState | undefined> {
    const head = await this.store.getDoc<SimState | SimStateHeader>(this.kind, this.id);
    if (head === undefined) return undefined;
    if (!isHeader(head)) {
      this.generation = 0;
      return head;
    }
    const shards = await Promise.all(
      Array.from({ length: head.shards }, (_, n) =>
        this.store.getDoc<SimStateShard>(this.kind, this.shardId(head.generation, n)),
      ),
    );
    const text = shards
      .map((shard, n) => {
        if (shard?.generation !== head.generation || shard.index !== n) throw this.torn(head, n);
        return shard.text;
      })
      .join('');
    if (text.length !== head.chars) throw this.torn(head, head.shards - 1);
    this.generation = head.generation;
    return JSON.parse(text) as SimState;
  }

  /** Saves `state`: one document when it fits, else shards of the next generation, header last. */
  async save(state: SimState): Promise<void> {
    const text = JSON.stringify(state);
    if (Buffer.byteLength(text, 'utf8') <= this.maxDocBytes) {
      await this.store.putDoc(this.kind, this.id, state);
      return;
    }
    const generation = (await this.currentGeneration()) + 1;
    const pieces = split(text, this.maxDocBytes - SHARD_ENVELOPE_BYTES);
    // every shard write has ended (none still in flight) before a failure is reported, so a
    // retry of this generation can never be overtaken by a stale write
    const writes = await Promise.allSettled(
      pieces.map((piece, index) =>
        this.store.putDoc<SimStateShard>(this.kind, this.shardId(generation, index), {
          generation,
          index,
          text: piece,
        }),
      ),
    );
    const failed = writes.find((w): w is PromiseRejectedResult => w.status === 'rejected');
    if (failed) throw failed.reason;
    const header: SimStateHeader = {
      format: 'sim-state-shards',
      generation,
      shards: pieces.length,
      chars: text.length,
    };
    await this.store.putDoc(this.kind, this.id, header);
    this.generation = generation;
  }

  private async currentGeneration(): Promise<number> {
    if (this.generation === undefined) {
      const head = await this.store.getDoc<SimState | SimStateHeader>(this.kind, this.id);
      this.generation = head !== undefined && isHeader(head) ? head.generation : 0;
    }
    return this.generation;
  }

  private shardId(generation: number, index: number): string {
    return `${this.id}-${generation % 2}-${index}`;
  }

  private torn(head: SimStateHeader, index: number): DrbotError {
    return new DrbotError(
      `The saved simulated world is incomplete: shard ${index + 1} of ${head.shards} (generation ${head.generation}) is missing or from another save`,
      {
        code: 'SIM_STATE_TORN',
        explanation: `The sim state is saved in several store documents (${this.kind}/${this.id}-*), and one does not match the header: two processes saved the same world at once, or the store was edited by hand.`,
        action:
          'Make sure only one drbot process uses this data folder; to start the simulated world afresh, delete its sim documents (or the data folder, e.g. .drbot/).',
        context: { kind: this.kind, id: this.id, generation: head.generation, shard: index },
      },
    );
  }
}

function isHeader(doc: SimState | SimStateHeader): doc is SimStateHeader {
  return (doc as Partial<SimStateHeader>).format === 'sim-state-shards';
}

/** The JSON-encoded size of a string inside a document (quotes and backslashes get escaped). */
function encodedBytes(piece: string): number {
  return Buffer.byteLength(JSON.stringify(piece), 'utf8');
}

/**
 * Cuts `text` into pieces whose encoded size is at most `budget`. Cutting inside a surrogate
 * pair is harmless: each half survives JSON as an escape and the join restores the pair.
 */
export function split(text: string, budget: number): string[] {
  const pieces: string[] = [];
  let pos = 0;
  while (pos < text.length) {
    let length = Math.min(budget, text.length - pos);
    let size = encodedBytes(text.slice(pos, pos + length));
    while (size > budget) {
      length = Math.max(1, Math.min(length - 1, Math.floor((length * budget) / size)));
      size = encodedBytes(text.slice(pos, pos + length));
    }
    pieces.push(text.slice(pos, pos + length));
    pos += length;
  }
  return pieces;
}
