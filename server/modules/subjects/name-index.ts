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
 * Memory: about 150–200 bytes per organization (key, id, one posting entry per distinct bigram).
 * The index is rebuilt from a snapshot in slices that yield to the event loop, so a rebuild of a
 * million names does not stall requests; changes in between go to a small overlay (`delta`).
 */
import type { OrgType } from './subjects.tables.js';

export interface IndexedOrganization {
  id: string;
  name: string;
  orgType: OrgType | null;
  regionCode: string | null;
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
  return text.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]/gu, '');
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

interface Entry<T extends IndexedOrganization> {
  id: string;
  key: string;
  type: number;
  region: number;
  /** The organization as it was given: what a search returns. */
  org: T;
}

function entryOf<T extends IndexedOrganization>(o: T): Entry<T> {
  return { id: o.id, key: searchKey(o.name), type: Math.max(0, ORG_TYPES.indexOf(o.orgType)), region: o.regionCode && /^\d{6}$/.test(o.regionCode) ? Number(o.regionCode) : NO_REGION, org: o };
}

/** Rank order within a group: shorter key first, then the key, then the id (stable across instances). */
function before<T extends IndexedOrganization>(a: Entry<T>, b: Entry<T>): number {
  return a.key.length - b.key.length || (a.key < b.key ? -1 : a.key > b.key ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

const yieldNow = () => new Promise<void>((resolve) => setImmediate(resolve));
const SLICE = 20_000;

/** The rank-ordered base: slot i is the i-th entry in rank order; postings list slots in order. */
class Base<T extends IndexedOrganization> {
  readonly slotOf = new Map<string, number>();
  readonly dead: Uint8Array;
  constructor(readonly entries: Entry<T>[], readonly postings: Map<string, Int32Array>) {
    this.dead = new Uint8Array(entries.length);
    entries.forEach((e, i) => this.slotOf.set(e.id, i));
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
    const lists = new Map<string, number[]>();
    for (let slot = 0; slot < ordered.length; slot++) {
      for (const g of bigrams((ordered[slot] as Entry<T>).key)) {
        let list = lists.get(g);
        if (!list) lists.set(g, (list = []));
        if (list[list.length - 1] !== slot) list.push(slot); // a bigram twice in one name: listed once
      }
      if (slot % SLICE === SLICE - 1) await yieldNow();
    }
    const postings = new Map<string, Int32Array>();
    for (const [g, list] of lists) postings.set(g, Int32Array.from(list));
    return new Base(ordered, postings);
  }
}

export class NameIndex<T extends IndexedOrganization = IndexedOrganization> {
  private base = new Base<T>([], new Map());
  /** Organizations added or changed since the base was built, by id. */
  private delta = new Map<string, Entry<T>>();
  /** Changes made while a rebuild runs, replayed onto the new base. */
  private pending: Entry<T>[] | null = null;

  constructor(private readonly rebuildAt = (baseSize: number) => Math.max(5_000, baseSize / 10)) {}

  get size(): number {
    return this.base.entries.length + this.delta.size;
  }

  /**
   * Adds or replaces organizations; `same` tells whether a read-again organization changed in
   * what the caller keeps beyond name, type and region. Rebuilds the base (in the background)
   * when the overlay grows.
   */
  upsert(orgs: T[], same: (a: T, b: T) => boolean = () => false): void {
    for (const o of orgs) {
      const e = entryOf(o);
      const slot = this.base.slotOf.get(e.id);
      const old = slot === undefined ? undefined : this.base.entries[slot];
      if (old && slot !== undefined) {
        if (old.key === e.key && old.type === e.type && old.region === e.region && same(old.org, o) && !this.delta.has(e.id)) continue;
        this.base.dead[slot] = 1;
      }
      this.delta.set(e.id, e);
      this.pending?.push(e);
    }
    if (this.pending === null && this.delta.size > this.rebuildAt(this.base.entries.length)) void this.rebuild();
  }

  /** The organization with this id as the index has it now. */
  get(id: string): T | undefined {
    const changed = this.delta.get(id);
    if (changed) return changed.org;
    const slot = this.base.slotOf.get(id);
    return slot === undefined || this.base.dead[slot] ? undefined : this.base.entries[slot]?.org;
  }

  /** Replaces the whole index with these organizations (the first load). */
  async load(orgs: T[]): Promise<void> {
    this.pending = [];
    const base = await Base.build(orgs.map(entryOf));
    this.swap(base);
  }

  private async rebuild(): Promise<void> {
    this.pending = [];
    const live = this.base.entries.filter((_, i) => this.base.dead[i] === 0);
    const base = await Base.build([...live, ...this.delta.values()]);
    this.swap(base);
  }

  private swap(base: Base<T>): void {
    const replay = this.pending ?? [];
    this.base = base;
    this.delta = new Map();
    this.pending = null;
    for (const e of replay) {
      const slot = base.slotOf.get(e.id);
      if (slot !== undefined) base.dead[slot] = 1;
      this.delta.set(e.id, e);
    }
  }

  /**
   * The organizations whose name contains the text, in rank order (exact name, then names
   * starting with it, then the rest; shorter first): the page asked for, and how many match.
   */
  search(q: NameQuery): { items: T[]; total: number } {
    const key = searchKey(q.text);
    const grams = [...new Set(bigrams(key))];
    if (grams.length === 0) return { items: [], total: 0 };
    const type = q.orgType ? ORG_TYPES.indexOf(q.orgType) : -1;
    let lo = -Infinity;
    let hi = Infinity;
    if (q.region && /^\d{2}(\d{2}){0,2}$/.test(q.region)) {
      const scale = 10 ** (6 - q.region.length);
      lo = Number(q.region) * scale;
      hi = lo + scale;
    }
    const need = q.offset + q.limit;
    const prefix: Entry<T>[] = [];
    const contains: Entry<T>[] = [];
    let prefixCount = 0;
    let containsCount = 0;
    // The base's lists are in rank order: past `need`, an entry cannot reach the page. The overlay's
    // entries are in no order, so all of its matches are kept and sorted in.
    let cap = need;
    const consider = (e: Entry<T>, checkContains: boolean) => {
      if (checkContains && !e.key.includes(key)) return;
      if (type >= 0 && e.type !== type) return;
      if (e.region < lo || e.region >= hi) return;
      if (e.key.startsWith(key)) {
        prefixCount++;
        if (prefix.length < cap) prefix.push(e);
      } else {
        containsCount++;
        if (contains.length < cap) contains.push(e);
      }
    };
    // The base: the shortest posting list of the query's bigrams, already in rank order.
    const { entries, dead, postings } = this.base;
    let list: Int32Array | undefined;
    for (const g of grams) {
      const p = postings.get(g);
      if (!p) {
        list = undefined;
        break;
      }
      if (!list || p.length < list.length) list = p;
    }
    // A two-character query is its own bigram: every entry of its list contains it.
    const checkContains = [...key].length > 2;
    if (list) {
      for (let i = 0; i < list.length; i++) {
        const slot = list[i] as number;
        if (dead[slot] === 0) consider(entries[slot] as Entry<T>, checkContains);
      }
    }
    // The overlay: few entries, checked one by one and merged into rank order.
    if (this.delta.size > 0) {
      const basePrefix = prefix.length;
      const baseContains = contains.length;
      cap = Infinity;
      for (const e of this.delta.values()) consider(e, true);
      if (prefix.length > basePrefix) prefix.sort(before);
      if (contains.length > baseContains) contains.sort(before);
    }
    const ranked = prefix.slice(0, need).concat(contains.slice(0, Math.max(0, need - Math.min(prefix.length, need))));
    return { items: ranked.slice(q.offset, need).map((e) => e.org), total: prefixCount + containsCount };
  }
}
