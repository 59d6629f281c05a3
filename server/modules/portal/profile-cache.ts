/**
 * Profiles as they were sent (serialized, with their ETag), kept while nothing they were built from has changed, so
 * a profile asked for again costs no database read:
 * - records: every commit that changes the record table drops them all (channel `record_changed`,
 *   migration 0009), heard before the commit returns in this process and a moment later from
 *   others; while that channel is not heard, nothing is kept or served;
 * - the organization: kept with the directory entry it was built from (a changed organization gets
 *   a new entry), the catalog items and their code tables (a new version is a new object) and the day (publicity windows
 *   end by date).
 * A profile built while records changed is not kept. Least recently used ones go beyond `capacity`.
 * The search's credit markers per organization are kept by the same rules (portal.service.ts).
 */
import type { ListenEvent } from '../../platform/db/engine.js';

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
  /** Counts record changes heard: an entry or a build from an older generation is stale. */
  private generation = 0;
  private listening = false;
  private readonly entries = new Map<string, Entry<A>>();

  constructor(private readonly capacity: number) {}

  /** For Engine.listen('record_changed', …). */
  readonly recordEvent = (event: ListenEvent): void => {
    this.generation++;
    this.entries.clear();
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
    if (!this.listening || e.generation !== this.generation || !same(e.basis, basis)) return undefined;
    this.entries.set(subjectId, e); // most recently used last
    return e.answer;
  }

  /** Taken before reading the records; `put` keeps the answer only if no change was heard since. */
  ticket(): number {
    return this.generation;
  }

  put(subjectId: string, basis: ProfileBasis, ticket: number, answer: A): void {
    if (!this.listening || ticket !== this.generation || this.capacity === 0) return;
    this.entries.delete(subjectId);
    this.entries.set(subjectId, { basis, generation: ticket, answer });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }
}
