/**
 * Storage of one `event_count` rule's groups as slots in shared typed arrays (never exported).
 *
 * Why: with the group in a JS object, a matching event walked `Map` entry -> group object -> times array ->
 * its backing store, a cache miss each on cold groups (CPU profile on 50 000 keys: 56% of `onEmit` in those
 * loads). Here the `Map` holds a slot number (a small integer stored in the entry itself) and the slot's
 * counters and timestamps sit side by side in one `Float64Array` region: one miss after the `Map` lookup.
 *
 * A slot holds, at `off = (slot & PAGE_MASK) * stride` of page `slot >> PAGE_SHIFT`:
 * `[off] n` (events held), `[off + 1] head` (ring start), `[off + 2] ref` (CLOCK bit), `[off + 3] mode`
 * (MODE_*), then `ring` event times (µs), oldest first from `head`, wrapping. Evidence (when some event has
 * ids or is not the rule's first event name) lives in a parallel JS array per page, lazily allocated.
 * A group that needs more than `ring` times (out-of-order bursts, or a threshold above MAX_RING) moves to an
 * object (`spilled`), the general layout, until it is evicted or reset.
 *
 * Pages keep memory proportional to the groups actually held (slack below one page) without copying on growth.
 */
export class CountSlab {
  /** Group key -> slot. */
  readonly slots = new Map<string, number>();
  /** Slot -> group key (to delete the `Map` entry on eviction). */
  readonly keys: string[] = [];
  readonly pages: Float64Array[] = [];
  /** Per page, evidence of each time position (`null` until a slot of the page needs it). */
  readonly evPages: (unknown[] | null)[] = [];
  /** Slot -> general-layout group, for slots in MODE_SPILLED. */
  readonly spilled = new Map<number, unknown>();
  /** Times per slot. */
  readonly ring: number;
  /** Doubles per slot. */
  readonly stride: number;
  /** Slots ever handed out (slots below it are in use). */
  used = 0;
  /** CLOCK hand: the next slot to consider for eviction. */
  hand = 0;

  constructor(ring: number) {
    this.ring = ring;
    this.stride = ring + HEADER;
  }

  get size(): number {
    return this.slots.size;
  }

  /** Hands out a fresh slot below `cap`, or -1 when every slot is in use (the caller evicts). */
  allocate(key: string, cap: number): number {
    if (this.used >= cap) return -1;
    const slot = this.used++;
    const page = slot >> PAGE_SHIFT;
    if (page === this.pages.length) {
      this.pages.push(new Float64Array(PAGE_SLOTS * this.stride));
      this.evPages.push(null);
    }
    this.keys.push(key);
    this.slots.set(key, slot);
    return slot;
  }

  clear(): void {
    this.slots.clear();
    this.keys.length = 0;
    this.pages.length = 0;
    this.evPages.length = 0;
    this.spilled.clear();
    this.used = 0;
    this.hand = 0;
  }
}

export const PAGE_SHIFT = 8;
export const PAGE_SLOTS = 1 << PAGE_SHIFT;
export const PAGE_MASK = PAGE_SLOTS - 1;
/** n, head, ref, mode. */
export const HEADER = 4;
export const MODE_PLAIN = 0;
/** The slot's evidence entries are in its page's evidence array. */
export const MODE_EVIDENCE = 1;
export const MODE_SPILLED = 2;
/**
 * Ring capacity limit: a rule whose groups may need more times gets rings of this size and spills the
 * rare group that fills one (a ring is allocated in full for every group).
 */
export const MAX_RING = 32;
