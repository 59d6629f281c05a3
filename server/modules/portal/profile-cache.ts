/**
 * Profiles as they were sent (serialized, with their ETag), kept while nothing they were built from has changed, so
 * a profile asked for again costs no database read:
 * - records: every commit that changes records notifies the channel `record_changed` (migration 0009,
 *   and the records module's transitions), heard before the commit returns in this process and a
 *   moment later in every other process: a notification naming subjects (its payload, subject ids
 *   separated by commas) drops theirs, one with an empty payload drops them all; while that channel
 *   is not heard, nothing is kept or served;
 * - the organization: kept with the directory entry it was built from (a changed organization gets
 *   a new entry), the catalog items and their code tables (a new version is a new object) and the day (publicity windows
 *   end by date).
 * A profile built while records changed is not kept. Least recently used ones go beyond `capacity`.
 * With `keepFrom: 'second'` an answer is kept the second time it is put (its subject asked for
 * again since), not the first: a visitor or a crawler going once through many organizations —
 * each then read as stored, one read by key — neither pushes the often-asked ones out nor makes
 * the process carry (and collect) an answer per request.
 * The search's credit markers per organization are kept by the same rules (portal.service.ts).
 */
import type { ListenEvent } from '../../platform/db/engine.js';

/**
 * The subjects a `record_changed` payload names, or 'all' (an empty payload, or none: anything may
 * have changed). The sender sends '' beyond about a hundred subjects.
 */
export function changedSubjects(payload: string | undefined): 'all' | string[] {
  const ids = (payload ?? '').split(',').map((s) => s.trim()).filter(Boolean);
  return ids.length === 0 ? 'all' : ids;
}

/** Subjects dropped one by one are remembered (for builds under way) up to this many; beyond, all is dropped. */
const REMEMBERED_SUBJECTS = 10_000;

/** What a profile was built from, compared by identity. */
export interface ProfileBasis {
  subject: object;
  today: string;
  items: readonly unknown[];
}

interface Entry<A> {
  basis: ProfileBasis;
  generation: number;
  answer: A;
}

function same(a: ProfileBasis, b: ProfileBasis): boolean {
  return a.subject === b.subject && a.today === b.today && a.items.length === b.items.length && a.items.every((x, i) => x === b.items[i]);
}

/** A profile as sent: its body and its ETag. */
export interface SentAnswer {
  json: string;
  tag: string;
}

export class ProfileCache<A extends object = SentAnswer> {
  /** Counts record changes heard: a build that started before a change to its subject is not kept. */
  private generation = 0;
  /** The generation of the last change to everything (and of each lost or regained channel). */
  private allAt = 0;
  /** The generation of the last change to each subject named since `allAt`. */
  private readonly subjectAt = new Map<string, number>();
  private listening = false;
  private readonly entries = new Map<string, Entry<A>>();
  /** keepFrom 'second': subjects put once and not kept (up to `capacity`, then forgotten at once). */
  private readonly once = new Set<string>();

  constructor(
    private readonly capacity: number,
    private readonly keepFrom: 'first' | 'second' = 'first',
  ) {}

  /** For Engine.listen('record_changed', …): `payload` names the subjects changed ('' = all). */
  readonly recordEvent = (event: ListenEvent, payload?: string): void => {
    this.generation++;
    const changed = event === 'notify' ? changedSubjects(payload) : 'all';
    if (changed === 'all' || this.subjectAt.size + changed.length > REMEMBERED_SUBJECTS) {
      this.allAt = this.generation;
      this.subjectAt.clear();
      this.entries.clear();
    } else {
      for (const id of changed) {
        this.subjectAt.set(id, this.generation);
        this.entries.delete(id);
      }
    }
    // Only the listening connection says whether changes are heard: a notification on another
    // connection (this process's own commit) while it is lost does not mean others' are.
    if (event === 'lost') this.listening = false;
    else if (event === 'listening') this.listening = true;
  };

  get size(): number {
    return this.entries.size;
  }

  get(subjectId: string, basis: ProfileBasis): A | undefined {
    const e = this.entries.get(subjectId);
    if (!e) return undefined;
    this.entries.delete(subjectId);
    // Entries of changed subjects are gone already: what is left was built after the last change.
    if (!this.listening || !same(e.basis, basis)) return undefined;
    this.entries.set(subjectId, e); // most recently used last
    return e.answer;
  }

  /** Taken before reading the records; `put` keeps the answer only if no change was heard since. */
  ticket(): number {
    return this.generation;
  }

  put(subjectId: string, basis: ProfileBasis, ticket: number, answer: A): void {
    if (!this.listening || ticket < this.allAt || ticket < (this.subjectAt.get(subjectId) ?? 0) || this.capacity === 0) return;
    if (this.keepFrom === 'second' && !this.entries.has(subjectId) && !this.once.delete(subjectId)) {
      if (this.once.size >= this.capacity) this.once.clear();
      this.once.add(subjectId);
      return;
    }
    this.entries.delete(subjectId);
    this.entries.set(subjectId, { basis, generation: ticket, answer });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }
}
