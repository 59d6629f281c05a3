/**
 * The portal's organization name index, held in memory.
 *
 * Why not the database: a citizen types two characters, and two characters of a common trade name
 * match tens of thousands of the registry's organizations. Ranking those (exact name, then prefix,
 * then contains, shorter first) and counting them means visiting every match; the GIN bigram index
 * can find them but not order them, so each such query cost tens of milliseconds of the two cores.
 * Here every bigram's posting list is already in rank order, so a query walks one list of small
 * integers. Only organizations are indexed: natural persons cannot be searched by design.
 *
 * Memory: the organizations are held as given (the directory's rows); per organization the index adds
 * a slot's columns (key — the name itself when already normalized —, type, region), its id's place in
 * `slotOf` and one posting entry per distinct bigram. The whole directory measured ~370 bytes per
 * organization on the heap, a million of them ~370 MB (was ~550 with an object per slot).
 * The index is rebuilt from a snapshot in slices that yield to the event loop, so a rebuild of a
 * million names does not stall requests; changes in between go to a small overlay (`delta`).
 */
import type { OrgType } from './subjects.tables.js';

/** What the index reads of an organization: the subject table's own column names, so rows are indexed as read. */
export interface IndexedOrganization {
  id: string;
  name: string;
  org_type: OrgType | null;
  region_code: string | null;
}

export interface NameQuery {
  text: string;
  orgType?: OrgType | undefined;
  /** A region code prefix: 2 (province), 4 (city) or 6 digits. */
  region?: string | undefined;
  offset: number;
  limit: number;
}

/**
 * The search form of a name or query: NFKC (full-width letters, digits and brackets become
 * half-width), lower case, no spaces, punctuation or symbols. 「华为（深圳）」 and 「华为(深圳)」 are one.
 */
export function searchKey(text: string): string {
  // Format characters (zero-width spaces, direction marks) are invisible: a name stored with one
  // before they were refused is still found by its visible text.
  return text.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}\p{Cf}]/gu, '');
}

const ORG_TYPES: (OrgType | null)[] = [null, 'enterprise', 'individualBusiness', 'publicInstitution', 'socialOrganization', 'governmentBody', 'other'];
const NO_REGION = -1;

/** Overlapping pairs of code points (a character outside the BMP is one code point). */
function bigrams(key: string): string[] {
  const cps = [...key];
  const out: string[] = [];
  for (let i = 0; i + 1 < cps.length; i++) out.push((cps[i] as string) + (cps[i + 1] as string));
  return out;
}

/** An organization with its search key, type and region as numbers: how the overlay and a build hold it. */
interface Entry<T extends IndexedOrganization> {
  key: string;
  type: number;
  region: number;
  /** The organization as it was given: what a search returns. */
  org: T;
}

function entryOf<T extends IndexedOrganization>(o: T): Entry<T> {
  const key = searchKey(o.name);
  // Most names are their own key: one string, not two (a million of them are ~50 MB).
  return { key: key === o.name ? o.name : key, type: Math.max(0, ORG_TYPES.indexOf(o.org_type)), region: o.region_code && /^\d{6}$/.test(o.region_code) ? Number(o.region_code) : NO_REGION, org: o };
}

/** Rank order within a group: shorter key first, then the key, then the id (stable across instances). */
function before<T extends IndexedOrganization>(a: Entry<T>, b: Entry<T>): number {
  return a.key.length - b.key.length || (a.key < b.key ? -1 : a.key > b.key ? 1 : a.org.id < b.org.id ? -1 : a.org.id > b.org.id ? 1 : 0);
}

/** Beyond this many matches a search's total is a lower bound (see NameIndex.search). */
export const COUNT_CAP = 10_000;
const EMPTY = new Int32Array(0);

const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));
const SLICE = 20_000;

/**
 * Where an entry's bigrams are listed: its first bigram under `starts`, every other distinct
 * bigram under `later` (never the first, even where it recurs). A name is in exactly one of the
 * two lists of a bigram it contains, so the two partition "contains": a two-character text's
 * ranked groups are just the two lists, and their lengths are the counts.
 */
function listings(key: string): { first: string | undefined; later: string[] } {
  const grams = bigrams(key);
  const first = grams[0];
  return { first, later: [...new Set(grams.slice(1))].filter((g) => g !== first) };
}

/**
 * The rank-ordered base: slot i is the i-th organization in rank order; every list holds slots in
 * order. A slot is columns, not an object: the organization as given, its key, its type and region
 * (a filtered walk tests those without visiting the organization). A million organizations are a
 * million objects fewer on the heap.
 */
class Base<T extends IndexedOrganization> {
  readonly slotOf = new Map<string, number>();
  readonly orgs: T[];
  readonly keys: string[];
  readonly dead: Uint8Array;
  readonly types: Uint8Array;
  readonly regions: Int32Array;
  /** Replaced entries per list: list lengths minus these are exact counts. */
  private readonly deadStarts = new Map<string, number>();
  private readonly deadLater = new Map<string, number>();
  constructor(
    ordered: Entry<T>[],
    /** Per bigram, the slots whose key starts with it, in rank order. */
    readonly starts: Map<string, Int32Array>,
    /** Per bigram, the slots whose key has it further on (and does not start with it), in rank order. */
    readonly later: Map<string, Int32Array>,
  ) {
    const n = ordered.length;
    this.orgs = new Array<T>(n);
    this.keys = new Array<string>(n);
    this.dead = new Uint8Array(n);
    this.types = new Uint8Array(n);
    this.regions = new Int32Array(n);
    ordered.forEach((e, i) => {
      this.slotOf.set(e.org.id, i);
      this.orgs[i] = e.org;
      this.keys[i] = e.key;
      this.types[i] = e.type;
      this.regions[i] = e.region;
    });
  }

  get size(): number {
    return this.orgs.length;
  }

  entry(slot: number): Entry<T> {
    return { org: this.orgs[slot] as T, key: this.keys[slot] as string, type: this.types[slot] as number, region: this.regions[slot] as number };
  }

  kill(slot: number): void {
    if (this.dead[slot]) return;
    this.dead[slot] = 1;
    const { first, later } = listings(this.keys[slot] as string);
    if (first) this.deadStarts.set(first, (this.deadStarts.get(first) ?? 0) + 1);
    for (const g of later) this.deadLater.set(g, (this.deadLater.get(g) ?? 0) + 1);
  }

  /** How many live entries a list holds. */
  live(g: string, which: 'starts' | 'later'): number {
    return ((which === 'starts' ? this.starts : this.later).get(g)?.length ?? 0) - ((which === 'starts' ? this.deadStarts : this.deadLater).get(g) ?? 0);
  }

  static async build<T extends IndexedOrganization>(entries: Entry<T>[]): Promise<Base<T>> {
    // Bucket by length (counting sort), then sort each bucket: no single long blocking sort.
    const buckets: Entry<T>[][] = [];
    for (const e of entries) (buckets[e.key.length] ??= []).push(e);
    const ordered: Entry<T>[] = [];
    for (const bucket of buckets) {
      if (!bucket) continue;
      bucket.sort(before);
      for (const e of bucket) ordered.push(e);
      if (bucket.length > SLICE) await yieldNow();
    }
    // Two passes, counting then filling typed arrays: a million names' lists never exist as
    // JavaScript arrays of numbers, which would double the peak memory of a rebuild.
    const counts = { starts: new Map<string, number>(), later: new Map<string, number>() };
    for (let slot = 0; slot < ordered.length; slot++) {
      const { first, later } = listings((ordered[slot] as Entry<T>).key);
      if (first) counts.starts.set(first, (counts.starts.get(first) ?? 0) + 1);
      for (const g of later) counts.later.set(g, (counts.later.get(g) ?? 0) + 1);
      if (slot % SLICE === SLICE - 1) await yieldNow();
    }
    const lists = { starts: new Map<string, Int32Array>(), later: new Map<string, Int32Array>() };
    for (const which of ['starts', 'later'] as const) for (const [g, n] of counts[which]) lists[which].set(g, new Int32Array(n));
    const filled = { starts: new Map<string, number>(), later: new Map<string, number>() };
    const put = (which: 'starts' | 'later', g: string, slot: number) => {
      const n = filled[which].get(g) ?? 0;
      (lists[which].get(g) as Int32Array)[n] = slot;
      filled[which].set(g, n + 1);
    };
    for (let slot = 0; slot < ordered.length; slot++) {
      const { first, later } = listings((ordered[slot] as Entry<T>).key);
      if (first) put('starts', first, slot);
      for (const g of later) put('later', g, slot);
      if (slot % SLICE === SLICE - 1) await yieldNow();
    }
    return new Base(ordered, lists.starts, lists.later);
  }
}

export class NameIndex<T extends IndexedOrganization = IndexedOrganization> {
  private base = new Base<T>([], new Map(), new Map());
  /** Organizations added or changed since the base was built, by id. */
  private delta = new Map<string, Entry<T>>();
  /** Changes made while a rebuild runs, replayed onto the new base. */
  private pending: Entry<T>[] | null = null;

  constructor(private readonly rebuildAt = (baseSize: number) => Math.max(5_000, baseSize / 10)) {}

  get size(): number {
    return this.base.size + this.delta.size;
  }

  /**
   * Adds or replaces organizations; `same` tells whether a read-again organization changed in
   * what the caller keeps beyond name, type and region. Rebuilds the base (in the background)
   * when the overlay grows.
   */
  upsert(orgs: T[], same: (a: T, b: T) => boolean = () => false): void {
    for (const o of orgs) {
      const e = entryOf(o);
      const slot = this.base.slotOf.get(o.id);
      const old = slot === undefined ? undefined : this.base.entry(slot);
      if (old && slot !== undefined) {
        if (old.key === e.key && old.type === e.type && old.region === e.region && same(old.org, o) && !this.delta.has(o.id)) continue;
        this.base.kill(slot);
      }
      this.delta.set(o.id, e);
      this.pending?.push(e);
    }
    if (this.pending === null && this.delta.size > this.rebuildAt(this.base.size)) void this.rebuild();
  }

  /** The organization with this id as the index has it now. */
  get(id: string): T | undefined {
    const changed = this.delta.get(id);
    if (changed) return changed.org;
    const slot = this.base.slotOf.get(id);
    return slot === undefined || this.base.dead[slot] ? undefined : this.base.orgs[slot];
  }

  /** Replaces the whole index with these organizations (the first load). */
  async load(orgs: T[]): Promise<void> {
    this.pending = [];
    // Normalizing a million names takes seconds: in slices, so requests are served in between.
    const entries: Entry<T>[] = [];
    for (let i = 0; i < orgs.length; i++) {
      entries.push(entryOf(orgs[i] as T));
      if (i % SLICE === SLICE - 1) await yieldNow();
    }
    const base = await Base.build(entries);
    this.swap(base);
  }

  private async rebuild(): Promise<void> {
    this.pending = [];
    const live: Entry<T>[] = [];
    for (let slot = 0; slot < this.base.size; slot++) if (this.base.dead[slot] === 0) live.push(this.base.entry(slot));
    const base = await Base.build([...live, ...this.delta.values()]);
    this.swap(base);
  }

  private swap(base: Base<T>): void {
    const replay = this.pending ?? [];
    this.base = base;
    this.delta = new Map();
    this.pending = null;
    for (const e of replay) {
      const slot = base.slotOf.get(e.org.id);
      if (slot !== undefined) base.kill(slot);
      this.delta.set(e.org.id, e);
    }
  }

  /**
   * The organizations whose name contains the text, in rank order (exact name, then names
   * starting with it, then the rest; shorter first): the page asked for, and how many match.
   *
   * A two-character text with no filter reads its two groups from its bigram's two lists and
   * counts them from their lengths. Otherwise each group is walked in rank order over the fewest
   * candidates (the rarest bigram's lists); once the group's share of the page is full and more
   * than COUNT_CAP match, the walk stops and `total` is a lower bound (`capped`), as search
   * engines count: nobody pages to the 10 001st of a two-word query.
   */
  search(q: NameQuery): { items: T[]; total: number; capped: boolean } {
    const key = searchKey(q.text);
    const grams = [...new Set(bigrams(key))];
    const first = bigrams(key)[0];
    if (!first) return { items: [], total: 0, capped: false };
    const type = q.orgType ? ORG_TYPES.indexOf(q.orgType) : -1;
    let lo = -Infinity;
    let hi = Infinity;
    if (q.region && /^\d{2}(\d{2}){0,2}$/.test(q.region)) {
      const scale = 10 ** (6 - q.region.length);
      lo = Number(q.region) * scale;
      hi = lo + scale;
    }
    const passes = (e: Entry<T>) => (type < 0 || e.type === type) && e.region >= lo && e.region < hi;
    const need = q.offset + q.limit;
    const { keys, dead, types, regions } = this.base;
    const twoChars = [...key].length === 2;
    const filtered = type >= 0 || lo !== -Infinity;

    const prefix: Entry<T>[] = [];
    const contains: Entry<T>[] = [];
    let prefixCount = 0;
    let containsCount = 0;
    let capped = false;
    /**
     * Collects one group from lists in rank order (merged). Once the page's share is full and
     * COUNT_CAP match, it stops: the count is then a lower bound.
     */
    const scan = (group: 'prefix' | 'contains', ...lists: Int32Array[]) => {
      const into = group === 'prefix' ? prefix : contains;
      let count = 0;
      const at = new Int32Array(lists.length);
      for (;;) {
        let next = -1;
        let from = -1;
        for (let l = 0; l < lists.length; l++) {
          const list = lists[l] as Int32Array;
          const i = at[l] as number;
          if (i < list.length && (next < 0 || (list[i] as number) < next)) {
            next = list[i] as number;
            from = l;
          }
        }
        if (from < 0) break;
        (at[from] as number)++;
        if (dead[next]) continue;
        // The filter first, from the typed arrays: a rare type among a common pair's million names
        // is walked in milliseconds, not in the time it takes to visit a million entries.
        if (filtered) {
          const r = regions[next] as number;
          if ((type >= 0 && types[next] !== type) || r < lo || r >= hi) continue;
        }
        const k = keys[next] as string;
        if (k.startsWith(key) !== (group === 'prefix') || (group === 'contains' && !twoChars && !k.includes(key))) continue;
        count++;
        if (into.length < need) into.push(this.base.entry(next));
        else if (count >= COUNT_CAP) {
          capped ||= lists.some((list, l) => (at[l] as number) < list.length);
          break;
        }
      }
      return count;
    };
    const { starts, later } = this.base;
    if (twoChars && !filtered) {
      // The two lists are the two groups, exactly: take the page's share of each, count by length.
      for (const [list, group] of [[starts.get(first), prefix], [later.get(first), contains]] as const) {
        for (let i = 0; list && i < list.length && group.length < need; i++) if (!dead[list[i] as number]) group.push(this.base.entry(list[i] as number));
      }
      prefixCount = this.base.live(first, 'starts');
      containsCount = this.base.live(first, 'later');
    } else if (twoChars) {
      prefixCount = scan('prefix', starts.get(first) ?? EMPTY);
      containsCount = scan('contains', later.get(first) ?? EMPTY);
    } else {
      // Every name containing the text is listed under each of its bigrams: the rarest is walked.
      // Names starting with it also have that bigram further on, unless it is the first one.
      let rarest = first;
      const size = (g: string) => (starts.get(g)?.length ?? 0) + (later.get(g)?.length ?? 0);
      for (const g of grams) if (size(g) < size(rarest)) rarest = g;
      const startsFirst = starts.get(first) ?? EMPTY;
      const laterRarest = later.get(rarest) ?? EMPTY;
      prefixCount = scan('prefix', rarest !== first && laterRarest.length < startsFirst.length ? laterRarest : startsFirst);
      containsCount = scan('contains', starts.get(rarest) ?? EMPTY, laterRarest);
    }

    // The overlay: few entries, checked one by one and merged into rank order.
    if (this.delta.size > 0) {
      let added = false;
      for (const e of this.delta.values()) {
        if (!e.key.includes(key) || !passes(e)) continue;
        added = true;
        if (e.key.startsWith(key)) {
          prefixCount++;
          prefix.push(e);
        } else {
          containsCount++;
          contains.push(e);
        }
      }
      if (added) {
        prefix.sort(before);
        contains.sort(before);
      }
    }
    const ranked = prefix.slice(0, need).concat(contains.slice(0, Math.max(0, need - Math.min(prefix.length, need))));
    return { items: ranked.slice(q.offset, need).map((e) => e.org), total: prefixCount + containsCount, capped };
  }
}
