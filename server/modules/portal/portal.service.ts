/**
 * The public credit portal's data: organization search, an organization's credit profile with its
 * publicized records, and 双公示 browsing. Everything leaves through the public presenters
 * (subjects: presentForPublic; records: presentPublicRecord) and only within publicity windows.
 */
import { createHash } from 'node:crypto';
import { setImmediate as yieldToRequests } from 'node:timers/promises';
import type { Kysely } from 'kysely';
import { chinaToday } from '../../../common/dates.js';
import type { CreditMarker, PublicityRecord, PortalStatistics, PublicDepartment, PublicRegion, PublicSubject, RegistrationFacts, SubjectProfile, SubjectSearchResult } from '../../../common/portal-api.js';
import type { Clock } from '../../platform/clock.js';
import { AppError } from '../../platform/errors.js';
import type { CatalogService, InfoItem } from '../catalog/index.js';
import { RecordsRepo, type PublicRecordRow, type RecordTables } from '../records/index.js';
import type { OrgType, SubjectsService } from '../subjects/index.js';
import type { Listener, ListenEvent } from '../../platform/db/engine.js';
import { ProfileCache, type SentAnswer } from './profile-cache.js';
import { serializeProfile } from './portal.schemas.js';
import type { PortalTables } from './portal.tables.js';
import { PublicProfiles, type ProfileToStore } from './public-profiles.js';
import { presentPublicRecord, publicFields, type EnumLabel, type PublicRecordView } from './public-record.js';

export interface PortalDeps {
  db: Kysely<RecordTables>;
  catalog: CatalogService;
  subjects: SubjectsService;
  clock: Clock;
  /**
   * The department registry: the 双公示 filter (active departments), and the one source of the
   * name a record's data source (数据来源) is shown with — never the text a file carried.
   */
  departments: () => Promise<{ id: string; name: string; uscc: string; status: 'active' | 'disabled' }[]>;
  /** Profiles kept as sent, at most this many; 0 keeps none. */
  profileCache: number;
  /** The platform's version: a stored profile built by another version is built again (its format may differ). */
  version?: string;
  /** Where a failed background build of stored profiles is told (never personal data). */
  onError?: (err: Error) => void;
}

/** The 双公示 items: permits and penalties. */
export const PUBLICITY_ITEMS = { permits: 'XK', penalties: 'CF' } as const;
/** Records shown per tab of a profile: a subject with more is rare; the tab's total counts them all. */
const PROFILE_LIMIT = 200;
/** A search result's credit markers, in the order shown (negative information first), with their items. */
const MARKER_ITEMS = [['penalties', PUBLICITY_ITEMS.penalties], ['permits', PUBLICITY_ITEMS.permits]] as const satisfies readonly (readonly [CreditMarker['kind'], string])[];
/** Markers are kept for this many organizations per profile kept: a page of results is ten of them. */
const MARKERS_PER_PROFILE = 10;
/** Markers depend on records, the day and the items, not on the organization's entry: one basis for all. */
const MARKERS_BASIS = {};
const NOTHING_HELD: RegistrationFacts = { establishmentDate: null, address: null, status: null, registeredCapital: null, businessScope: null };
/** Raise when what a stored profile holds changes without a catalog, registry or version change. */
const PROFILE_FORMAT = 1;
/** Profiles built and stored per read of their sources (a background pass yields to requests between). */
const STORE_CHUNK = 100;
/** Profiles built for requests are stored after this pause, together. */
const STORE_AFTER_MS = 200;

export interface PublicityFilter {
  departmentId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  category?: string | undefined;
  /** 关键字: part of an organization's name (行政相对人名称) or the beginning of a 决定文书号. */
  q?: string | undefined;
}

/**
 * A name matching more organizations than this is refused with a request to narrow it: the records
 * are found by the subject index, one lookup per organization (a long list costs more than it helps).
 */
export const MAX_NAME_MATCHES = 1000;

/** The bracket styles a 决定文书号's year is written in (〔2026〕 is the standard, GB/T 9704). */
const BRACKETS = [['〔', '〕'], ['(', ')'], ['（', '）'], ['[', ']'], ['［', '］'], ['【', '】'], ['﹝', '﹞']] as const;
const OPENING = /[〔(（[［【﹝]/g;
const CLOSING = /[〕)）\]］】﹞]/g;

/**
 * The prefixes a typed 决定文书号 is looked up by: full-width digits as digits, and, when it has a
 * bracket, the same text in each bracket style — 榕市监罚(2026)1号 finds 榕市监罚〔2026〕1号.
 */
export function documentPrefixes(text: string): string[] {
  const typed = text.trim().replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0));
  if (!/[〔(（[［【﹝〕)）\]］】﹞]/.test(typed)) return [typed];
  return [...new Set(BRACKETS.map(([open, close]) => typed.replace(OPENING, open).replace(CLOSING, close)))];
}

/** A CSV cell; one starting with = + - @ (or a tab/CR) is prefixed with ' so a spreadsheet does not run it. */
function csvCell(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The figures are dropped by every change heard; this bounds what a change nobody notified (an operator's SQL) leaves. */
const STATISTICS_TTL_MS = 5 * 60_000;
/** How long the department names are kept before they are read again (a rename shows within it). */
const REGISTRY_TTL_MS = 30_000;

interface Registry {
  at: number;
  /** Same content, same signature: the object is kept, so kept profiles stay valid. */
  signature: string;
  byId: Map<string, string>;
  byUscc: Map<string, string>;
  active: { id: string; name: string }[];
}

export class PortalService {
  private readonly records: RecordsRepo;
  private figures: { at: number; today: string; value: PortalStatistics } | undefined;
  /** Counts changes heard (records or organizations): figures counted across one are not kept. */
  private figuresGeneration = 0;
  /** Whether each channel the figures depend on is heard: while one is not, nothing is kept. */
  private readonly figuresHeard = { records: false, subjects: false };
  private readonly profiles: ProfileCache;
  /** Search results' markers per organization, kept like profiles: until records change. */
  private readonly markers: ProfileCache<CreditMarker[]>;
  private registry: Registry | undefined;
  /** Profiles as sent, stored in the database (public-profiles.ts). */
  private readonly stored: PublicProfiles;
  /** Bumped by catalogChanged(): the stored profiles' basis is worked out again. */
  private catalogGeneration = 0;
  private storedBasisMemo: { registry: Registry; catalogGeneration: number; value: string } | undefined;
  /** Organizations whose profile a request built: stored after STORE_AFTER_MS. */
  private readonly toStore = new Set<string>();
  private storeTimer: NodeJS.Timeout | undefined;
  private storing: Promise<unknown> | undefined;
  private stopped = false;
  /**
   * For Engine.listen(RECORD_CHANGES_CHANNEL, …): kept profiles and markers of the subjects a change
   * names are dropped (all of them when it names none), and the figures with them.
   */
  readonly recordEvent: Listener;
  /** For Engine.listen(SUBJECT_CHANGES_CHANNEL, …): the organizations counted may have changed. */
  readonly subjectEvent: Listener = (event) => this.figuresEvent('subjects', event);

  constructor(private readonly deps: PortalDeps) {
    this.records = new RecordsRepo(deps.db);
    this.stored = new PublicProfiles(deps.db as unknown as Kysely<PortalTables>);
    // A profile is kept when asked for again: once, it is one read of the stored answer.
    this.profiles = new ProfileCache(deps.profileCache, 'second');
    this.markers = new ProfileCache(deps.profileCache * MARKERS_PER_PROFILE);
    this.recordEvent = (event, payload) => {
      this.profiles.recordEvent(event, payload);
      this.markers.recordEvent(event, payload);
      this.figuresEvent('records', event);
    };
  }

  /** The catalog was reloaded (another process changed it): figures counted under the old one go. */
  catalogChanged(): void {
    this.catalogGeneration++;
    this.figuresGeneration++;
    this.figures = undefined;
  }

  private figuresEvent(channel: 'records' | 'subjects', event: ListenEvent): void {
    this.figuresGeneration++;
    this.figures = undefined;
    if (event === 'lost') this.figuresHeard[channel] = false;
    else if (event === 'listening') this.figuresHeard[channel] = true;
  }

  /** Department names by id and by USCC, read again every REGISTRY_TTL_MS. */
  private async departmentRegistry(): Promise<Registry> {
    const now = this.deps.clock.now().getTime();
    if (this.registry && now - this.registry.at < REGISTRY_TTL_MS) return this.registry;
    const all = await this.deps.departments();
    const signature = JSON.stringify(all.map((d) => [d.id, d.name, d.uscc, d.status]));
    if (this.registry?.signature === signature) {
      this.registry.at = now;
      return this.registry;
    }
    this.registry = {
      at: now,
      signature,
      byId: new Map(all.map((d) => [d.id, d.name])),
      byUscc: new Map(all.map((d) => [d.uscc, d.name])),
      active: all.filter((d) => d.status === 'active').map((d) => ({ id: d.id, name: d.name })),
    };
    return this.registry;
  }

  /** A record's data source as registered: by its department, else by the providing code. */
  private static sourceOf(registry: Registry, row: { department_id: string | null; provider_uscc?: string }): string | undefined {
    return (row.department_id ? registry.byId.get(row.department_id) : undefined) ?? (row.provider_uscc ? registry.byUscc.get(row.provider_uscc) : undefined);
  }

  private today(): string {
    return chinaToday(this.deps.clock.now().getTime());
  }

  private item(code: string): InfoItem | undefined {
    const item = this.deps.catalog.get('infoItem', code)?.content;
    return item?.disclosure === 'public' ? item : undefined;
  }

  /**
   * The home page's headline figures: organizations, records in publicity today, those made public
   * this month, and the departments providing most. Counting millions of rows takes a moment, so
   * the figures are kept until a change of records or organizations is heard from any process (or
   * the day changes; at most five minutes), and not at all while those changes are not heard.
   */
  async statistics(): Promise<PortalStatistics> {
    const now = this.deps.clock.now().getTime();
    const today = this.today();
    if (this.figures && this.figures.today === today && now - this.figures.at < STATISTICS_TTL_MS) return this.figures.value;
    const ticket = this.figuresGeneration;
    const monthStart = `${today.slice(0, 7)}-01`;
    const of = async (code: string) => {
      const item = this.item(code);
      return item ? this.records.publicFigures(today, code, monthStart) : { total: 0, recent: 0, byProvider: [] };
    };
    const [organizations, permits, penalties, registry] = await Promise.all([this.deps.subjects.countOrganizations(), of(PUBLICITY_ITEMS.permits), of(PUBLICITY_ITEMS.penalties), this.departmentRegistry()]);
    const departments = new Map<string, { name: string; permits: number; penalties: number }>();
    for (const [kind, figures] of [['permits', permits], ['penalties', penalties]] as const) {
      for (const d of figures.byProvider) {
        // Named as registered: a file's 数据来源 text never names a department's bar.
        const entry = departments.get(d.uscc) ?? { name: registry.byUscc.get(d.uscc) ?? d.uscc, permits: 0, penalties: 0 };
        entry[kind] = d.n;
        departments.set(d.uscc, entry);
      }
    }
    const value: PortalStatistics = {
      asOf: today,
      organizations,
      inPublicity: { permits: permits.total, penalties: penalties.total },
      publishedThisMonth: permits.recent + penalties.recent,
      byDepartment: [...departments.values()].sort((a, b) => b.permits + b.penalties - (a.permits + a.penalties)).slice(0, 10),
    };
    if (ticket === this.figuresGeneration && this.figuresHeard.records && this.figuresHeard.subjects) this.figures = { at: now, today, value };
    return value;
  }

  /** The catalog objects a profile reads: the items and the code tables of their enumerations (a new version is a new object). */
  private catalogBasis(): unknown[] {
    const items = Object.values(PUBLICITY_ITEMS).map((c) => this.item(c));
    const tables = items.flatMap((i) => i?.fields.flatMap((f) => (f.type === 'enum' && f.enum ? [this.deps.catalog.get('codeTable', f.enum)?.content] : [])) ?? []);
    return [...items, ...tables];
  }

  /** An enumeration code's label from the catalog's code tables (许可状态 1 → 有效). */
  private readonly enumLabel: EnumLabel = (table, value) => this.deps.catalog.get('codeTable', table)?.content.values.find((v) => v.value === value)?.label;

  /** The departments to filter 双公示 by: public authorities, named as they sign their decisions. */
  async departments(): Promise<{ items: PublicDepartment[] }> {
    return { items: (await this.departmentRegistry()).active };
  }

  /** The regions to filter a search by: where organizations are registered, most first. */
  async regions(): Promise<{ items: PublicRegion[] }> {
    return { items: await this.deps.subjects.publicRegions(100) };
  }

  /** Organizations found, each with its credit markers; null when the text is too short. */
  async search(q: { q: string; type?: OrgType | undefined; region?: string | undefined; page: number; pageSize: number }): Promise<SubjectSearchResult | null> {
    const found = await this.deps.subjects.publicSearch({ q: q.q, orgType: q.type, region: q.region, limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
    if (found === null) return null;
    const markers = await this.markersOf(found.items.map((s) => s.id));
    return { ...found, items: found.items.map((s) => ({ ...s, markers: markers.get(s.id) ?? [] })) };
  }

  /**
   * What a page of organizations has in publicity now, counted by the rule the profile's tabs use
   * (RecordsRepo.publicToday). Kept per organization until records change (the profiles' channel),
   * so a page asked for again reads nothing; the others are counted in one grouped statement.
   */
  private async markersOf(ids: readonly string[]): Promise<Map<string, CreditMarker[]>> {
    const today = this.today();
    const kinds = MARKER_ITEMS.flatMap(([kind, code]) => (this.item(code) ? [{ kind, code }] : []));
    const basis = { subject: MARKERS_BASIS, today, items: kinds.map((k) => this.item(k.code)) };
    const out = new Map<string, CreditMarker[]>();
    const missing: string[] = [];
    for (const id of ids) {
      const kept = this.markers.get(id, basis);
      if (kept === undefined) missing.push(id);
      else out.set(id, kept);
    }
    if (missing.length === 0 || kinds.length === 0) return out;
    const ticket = this.markers.ticket();
    const counts = new Map<string, number>();
    for (const r of await this.records.publicCounts(missing, today, kinds.map((k) => k.code))) counts.set(`${r.subject_id}/${r.item_code}`, r.n);
    for (const id of missing) {
      const marks = kinds.flatMap(({ kind, code }) => {
        const count = counts.get(`${id}/${code}`) ?? 0;
        return count > 0 ? [{ kind, count }] : [];
      });
      out.set(id, marks);
      this.markers.put(id, basis, ticket, marks);
    }
    return out;
  }

  /**
   * Why no profile answers a code, as the code check sees it: which rule failed and where, or that
   * the code is valid (with what it says: authority, type, region) but no organization here has it.
   */
  notFoundMessage(raw: string): string {
    const c = this.deps.subjects.checkCode(raw);
    if (!c.valid || !c.parts) return `统一社会信用代码「${c.normalized}」有误：${c.errors.map((e) => e.message).join('；')}。请核对后重新输入`;
    const p = c.parts;
    return `统一社会信用代码「${c.normalized}」校验通过（登记管理部门为${p.registrationAuthority.name}，机构类别为${p.entityType.name}，登记地为${p.region.name ?? p.region.code}），但本平台暂无该组织的信息`;
  }

  /**
   * An organization's profile as sent (its JSON and ETag); undefined when no organization has this
   * code. Asked for again on this process, it is sent as kept while nothing it was built from has
   * changed (profile-cache.ts); asked for the first time, it is read as stored (public-profiles.ts),
   * or built, sent, and stored a moment later for the next request on any process.
   */
  async profileAnswer(uscc: string): Promise<SentAnswer | undefined> {
    const found = await this.deps.subjects.publicByUscc(uscc);
    if (!found) return undefined;
    const today = this.today();
    const registry = await this.departmentRegistry();
    const basis = { subject: found.source, today, items: this.catalogBasis(), registry };
    const kept = this.profiles.get(found.id, basis);
    if (kept !== undefined) return kept;
    const ticket = this.profiles.ticket();
    let answer = await this.stored.read(found.id, this.storedBasis(registry), today);
    if (answer === undefined) {
      const { view, parts } = found.present();
      const [records, registration] = await Promise.all([
        this.records.publicOfSubject(found.id, today, this.publicityItems(), PROFILE_LIMIT),
        this.deps.subjects.publicRegistration(found.id),
      ]);
      answer = serializeProfile(this.presentProfile(view, parts, registration ?? NOTHING_HELD, records, registry));
      this.storeSoon(found.id);
    }
    this.profiles.put(found.id, basis, ticket, answer);
    return answer;
  }

  /** The 双公示 items the public may see (a profile's tabs). */
  private publicityItems(): string[] {
    return Object.values(PUBLICITY_ITEMS).flatMap((c) => (this.item(c) ? [c] : []));
  }

  private presentProfile(view: PublicSubject, parts: unknown, registration: RegistrationFacts, rows: (PublicRecordRow & { item_total: number })[], registry: Registry): SubjectProfile {
    const subject = { kind: 'organization' as const, individualBusiness: view.orgType === 'individualBusiness' };
    const tab = (code: string) => {
      const item = this.item(code);
      const mine = rows.filter((r) => r.item_code === code);
      const views = item ? mine.map((r) => presentPublicRecord(item, r, subject, this.enumLabel, PortalService.sourceOf(registry, r))).filter((v): v is PublicRecordView => v !== null) : [];
      // The total counts every record in publicity, also those past the first PROFILE_LIMIT shown.
      return { total: views.length === 0 ? 0 : (mine[0]?.item_total ?? views.length), items: views };
    };
    return {
      // The legal representative as the search list shows it: the organization's own (subjects.resolve.ts).
      subject: view,
      usccParts: parts as Record<string, unknown> | null,
      registration,
      permits: tab(PUBLICITY_ITEMS.permits),
      penalties: tab(PUBLICITY_ITEMS.penalties),
      // No list entries yet (red/black/watch lists are the next capability): the profile has no list tabs
      // rather than empty ones that would say "not listed" without anyone having checked.
    };
  }

  /**
   * What a stored profile must have been built from to be sent: the catalog items and code tables
   * it reads (by version), the industry and region names, the department names, the platform
   * version and the answer's format.
   */
  private storedBasis(registry: Registry): string {
    const memo = this.storedBasisMemo;
    if (memo && memo.registry === registry && memo.catalogGeneration === this.catalogGeneration) return memo.value;
    const items = Object.values(PUBLICITY_ITEMS).map((c) => this.deps.catalog.get('infoItem', c));
    const tables = items.flatMap((i) => (i?.content.disclosure === 'public' ? i.content.fields.flatMap((f) => (f.type === 'enum' && f.enum ? [[f.enum, this.deps.catalog.get('codeTable', f.enum)?.version ?? null]] : [])) : []));
    // The header names the organization's industry and region by the catalog's tables too.
    const names = [this.deps.catalog.get('codeTable', 'INDUSTRY')?.version ?? null, this.deps.catalog.regions()];
    const value = createHash('sha256')
      .update(JSON.stringify([PROFILE_FORMAT, this.deps.version ?? '', items.map((i) => (i ? [i.content.code, i.version, i.content.disclosure] : null)), tables, names, registry.signature]))
      .digest('base64url');
    this.storedBasisMemo = { registry, catalogGeneration: this.catalogGeneration, value };
    return value;
  }

  /** Stores what requests built, a moment later, one store at a time (none once stopped). */
  private storeSoon(subjectId: string): void {
    if (this.stopped) return;
    this.toStore.add(subjectId);
    if (this.storeTimer || this.storing) return;
    this.storeTimer = setTimeout(() => {
      this.storeTimer = undefined;
      const ids = [...this.toStore].slice(0, STORE_CHUNK * 10);
      for (const id of ids) this.toStore.delete(id);
      this.storing = this.storeProfilesOf(ids)
        .catch((err: Error) => this.deps.onError?.(err))
        .finally(() => {
          this.storing = undefined;
          const next = this.toStore.values().next();
          if (!next.done) this.storeSoon(next.value);
        });
    }, STORE_AFTER_MS);
    this.storeTimer.unref();
  }

  /**
   * Builds and stores the profiles of these organizations, from the database as it is after their
   * generations were read (public-profiles.ts: an answer raced by a change is not stored). Returns
   * how many were stored.
   */
  async storeProfilesOf(ids: readonly string[]): Promise<number> {
    let stored = 0;
    for (let i = 0; i < ids.length; i += STORE_CHUNK) {
      const chunk = ids.slice(i, i + STORE_CHUNK);
      const today = this.today();
      const registry = await this.departmentRegistry();
      const basis = this.storedBasis(registry);
      const generations = await this.stored.generations(chunk);
      const [sources, records] = await Promise.all([this.deps.subjects.publicProfileParts(chunk), this.records.publicOfSubjects(chunk, today, this.publicityItems(), PROFILE_LIMIT)]);
      const profiles: ProfileToStore[] = [];
      for (const id of chunk) {
        const source = sources.get(id);
        const r = records.get(id);
        if (!source || !r) continue;
        const answer = serializeProfile(this.presentProfile(source.view, source.parts, source.registration, r.rows, registry));
        // A subject with more records than its standing holds: for today only (its windows were not worked out).
        profiles.push({ subjectId: id, generation: generations.get(id), answer, basis, validFrom: today, validUntil: r.through === undefined ? today : r.through });
      }
      stored += await this.stored.store(profiles);
      await yieldToRequests();
    }
    return stored;
  }

  /**
   * One pass over every organization whose stored profile is missing or no longer holds (a change,
   * a new day past a window, a new catalog version or department name): the recurring job
   * `portal.profiles`. Built in chunks, yielding to requests between them.
   */
  async storeProfiles(): Promise<{ built: number }> {
    let built = 0;
    for (let after: string | null = null; ; ) {
      const basis = this.storedBasis(await this.departmentRegistry());
      const ids = await this.stored.toBuild(after, basis, this.today(), STORE_CHUNK);
      if (ids.length === 0) break;
      built += await this.storeProfilesOf(ids);
      after = ids[ids.length - 1] as string;
    }
    return { built };
  }

  /** Profiles built for requests and not stored yet are left to the next pass; a store under way ends first. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.storeTimer);
    this.storeTimer = undefined;
    this.toStore.clear();
    await this.storing;
  }

  /** Organizations without a stored profile that holds now (what the next pass builds). */
  async profilesUnbuilt(): Promise<number> {
    return this.stored.unbuilt(this.storedBasis(await this.departmentRegistry()), this.today());
  }

  /**
   * A 双公示 result set as CSV for Excel (UTF-8 with BOM), at most `maxRows` rows; a larger set is
   * refused with its size, so nobody gets a silently cut list. Cells that a spreadsheet would run
   * as a formula get a leading apostrophe.
   */
  async publicityCsv(kind: keyof typeof PUBLICITY_ITEMS, q: PublicityFilter, maxRows: number): Promise<{ csv: string; rows: number } | { tooMany: number }> {
    const item = this.item(PUBLICITY_ITEMS[kind]);
    // The columns are the item's public fields, as a record's own page shows them — the party, its
    // code, the document number, the date and the source are fields of the standard already, so
    // nothing is added beside them but the end of publicity (the record's, computed within the
    // catalog's rule; the department's requested 公示截止期 is not a public field).
    const columns = item ? publicFields(item) : [];
    const head = [...columns.map((f) => f.label), '公示截止日期'];
    const lines = [head.map(csvCell).join(',')];
    for (let page = 1; ; page++) {
      const r = await this.publicity(kind, { ...q, page, pageSize: 1000 });
      if (page === 1 && r.total > maxRows) return { tooMany: r.total };
      for (const x of r.items) {
        const byCode = new Map(x.fields.map((f) => [f.code, f.value]));
        lines.push([...columns.map((f) => byCode.get(f.code) ?? ''), x.publicityEnd ?? '长期'].map(csvCell).join(','));
      }
      if (r.items.length < 1000 || lines.length > maxRows) break;
    }
    lines.length = Math.min(lines.length, maxRows + 1); // records published while paging
    return { csv: `\uFEFF${lines.join('\r\n')}\r\n`, rows: lines.length - 1 };
  }

  /** 双公示: public permits or penalties, newest decision first, each with its subject (masked if a person). */
  async publicity(kind: keyof typeof PUBLICITY_ITEMS, q: PublicityFilter & { page: number; pageSize: number }) {
    const item = this.item(PUBLICITY_ITEMS[kind]);
    if (!item) return { total: 0, items: [] };
    const match = q.q?.trim() ? await this.keywordMatch(q.q.trim()) : undefined;
    const { rows, total } = await this.records.publicList({
      itemCode: item.code, today: this.today(), departmentId: q.departmentId, from: q.from, to: q.to,
      category: q.category, categoryField: item.categoryField, match, limit: q.pageSize, offset: (q.page - 1) * q.pageSize,
    });
    const names = await this.deps.subjects.publicNames(rows.map((r) => r.subject_id));
    const registry = await this.departmentRegistry();
    const items = rows.flatMap((r) => {
      const s = names.get(r.subject_id);
      const view = s ? presentPublicRecord(item, r, s, this.enumLabel, PortalService.sourceOf(registry, r)) : null;
      return view && s ? [{ ...view, subject: { name: s.name, uscc: s.uscc } }] : [];
    });
    return { total, items };
  }

  /**
   * 关键字 → what a record must match: its subject is one of the organizations whose registered
   * name contains the text (the portal's organization search: part of a name, full-width and
   * （）/() alike, or a USCC), or its 决定文书号 begins with it. Natural persons are never found by
   * name (the portal lists nobody by name by design); their records are found by document number.
   */
  private async keywordMatch(text: string): Promise<{ subjectIds: string[]; documentPrefixes: string[] }> {
    const orgs = await this.deps.subjects.publicSearch({ q: text, limit: MAX_NAME_MATCHES + 1, offset: 0 });
    if (orgs === null) {
      throw new AppError('VALIDATION_FAILED', [{ field: 'q', message: '请至少输入两个字（行政相对人名称的一部分或决定文书号）' }]);
    }
    if (orgs.total > MAX_NAME_MATCHES) {
      throw new AppError('QUERY_TOO_BROAD', { field: 'q', matches: orgs.total },
        `名称含「${text}」的组织有${orgs.totalCapped ? `${orgs.total}个以上` : `${orgs.total}个`}，超过${MAX_NAME_MATCHES}个：请输入更完整的名称（如加上地名、字号或行业），或输入决定文书号`);
    }
    return { subjectIds: orgs.items.map((o) => o.id), documentPrefixes: documentPrefixes(text) };
  }

  /**
   * One permit or penalty as its own page shows it: every public field of the item (empty ones
   * too), its subject (a person masked), the source department as registered and the end of
   * publicity. undefined when the public may not see it today — not published, withdrawn, past
   * its window, a minor's, or of the other kind — all alike, so nothing tells them apart.
   */
  async publicityRecord(kind: keyof typeof PUBLICITY_ITEMS, id: string): Promise<PublicityRecord | undefined> {
    const item = this.item(PUBLICITY_ITEMS[kind]);
    if (!item || !UUID.test(id)) return undefined;
    const row = await this.records.publicById(id.toLowerCase(), item.code, this.today());
    if (!row) return undefined;
    const s = (await this.deps.subjects.publicNames([row.subject_id])).get(row.subject_id);
    if (!s) return undefined;
    const view = presentPublicRecord(item, row, s, this.enumLabel, PortalService.sourceOf(await this.departmentRegistry(), row), { everyField: true });
    return view ? { ...view, subject: { name: s.name, uscc: s.uscc } } : undefined;
  }
}
