/**
 * The public credit portal's data: organization search, an organization's credit profile with its
 * publicized records, and 双公示 browsing. Everything leaves through the public presenters
 * (subjects: presentForPublic; records: presentPublicRecord) and only within publicity windows.
 */
import type { Kysely } from 'kysely';
import { chinaToday } from '../../../common/dates.js';
import type { PortalStatistics, PublicDepartment, PublicRegion, PublicSubject, SubjectProfile } from '../../../common/portal-api.js';
import type { Clock } from '../../platform/clock.js';
import type { CatalogService, InfoItem } from '../catalog/index.js';
import { RecordsRepo, type RecordTables } from '../records/index.js';
import type { OrgType, SubjectsService } from '../subjects/index.js';
import { ProfileCache, type SentAnswer } from './profile-cache.js';
import { maskNumbers, presentPublicRecord, publicFields, type EnumLabel, type PublicRecordView } from './public-record.js';

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
}

/** The 双公示 items: permits and penalties. */
export const PUBLICITY_ITEMS = { permits: 'XK', penalties: 'CF' } as const;
/** Records shown per tab of a profile: a subject with more is rare; the tab's total counts them all. */
const PROFILE_LIMIT = 200;

export interface PublicityFilter {
  departmentId?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
  category?: string | undefined;
}

/** A CSV cell; one starting with = + - @ (or a tab/CR) is prefixed with ' so a spreadsheet does not run it. */
function csvCell(v: string): string {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

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
  private figures: { at: number; value: PortalStatistics } | undefined;
  private readonly profiles: ProfileCache;
  private registry: Registry | undefined;
  /** For Engine.listen(RECORD_CHANGES_CHANNEL, …): kept profiles are dropped on every record change. */
  readonly recordEvent: ProfileCache['recordEvent'];

  constructor(private readonly deps: PortalDeps) {
    this.records = new RecordsRepo(deps.db);
    this.profiles = new ProfileCache(deps.profileCache);
    this.recordEvent = this.profiles.recordEvent;
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
   * the figures are kept for five minutes.
   */
  async statistics(): Promise<PortalStatistics> {
    const now = this.deps.clock.now().getTime();
    if (this.figures && now - this.figures.at < STATISTICS_TTL_MS) return this.figures.value;
    const today = this.today();
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
    this.figures = { at: now, value };
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

  search(q: { q: string; type?: OrgType | undefined; region?: string | undefined; page: number; pageSize: number }) {
    return this.deps.subjects.publicSearch({ q: q.q, orgType: q.type, region: q.region, limit: q.pageSize, offset: (q.page - 1) * q.pageSize });
  }

  /**
   * An organization's profile as sent, `serialize`d by the caller (its response schema, its ETag);
   * undefined when no organization has this code. A profile asked for again is sent as kept, as
   * long as nothing it was built from has changed (profile-cache.ts).
   */
  async profileAnswer(uscc: string, serialize: (profile: SubjectProfile) => SentAnswer): Promise<SentAnswer | undefined> {
    const found = await this.deps.subjects.publicByUscc(uscc);
    if (!found) return undefined;
    const today = this.today();
    const registry = await this.departmentRegistry();
    const basis = { subject: found.source, today, items: this.catalogBasis(), registry };
    const kept = this.profiles.get(found.id, basis);
    if (kept !== undefined) return kept;
    const ticket = this.profiles.ticket();
    const answer = serialize(await this.profile(found.id, found.present(), today, registry));
    this.profiles.put(found.id, basis, ticket, answer);
    return answer;
  }

  private async profile(id: string, found: { view: PublicSubject; parts: unknown }, today: string, registry: Registry): Promise<SubjectProfile> {
    const items = Object.values(PUBLICITY_ITEMS).flatMap((c) => (this.item(c) ? [c] : []));
    const rows = await this.records.publicOfSubject(id, today, items, PROFILE_LIMIT);
    const subject = { kind: 'organization' as const, individualBusiness: found.view.orgType === 'individualBusiness' };
    const tab = (code: string) => {
      const item = this.item(code);
      const mine = rows.filter((r) => r.item_code === code);
      const views = item ? mine.map((r) => presentPublicRecord(item, r, subject, this.enumLabel, PortalService.sourceOf(registry, r))).filter((v): v is PublicRecordView => v !== null) : [];
      // The total counts every record in publicity, also those past the first PROFILE_LIMIT shown.
      return { total: views.length === 0 ? 0 : (mine[0]?.item_total ?? views.length), items: views };
    };
    const permits = tab(PUBLICITY_ITEMS.permits);
    const penalties = tab(PUBLICITY_ITEMS.penalties);
    return {
      subject: found.view.legalRepresentative ? found.view : { ...found.view, legalRepresentative: this.representativeNamed([...permits.items, ...penalties.items]) },
      usccParts: found.parts as Record<string, unknown> | null,
      permits,
      penalties,
      // The lists issue fills these; the portal shows them as empty tabs until then.
      redList: { total: 0, items: [] },
      watchList: { total: 0, items: [] },
      seriousList: { total: 0, items: [] },
    };
  }

  /**
   * No legal representative linked to the organization (departments often give the name without an
   * ID number, and a person is only registered by ID): the newest record in publicity that names
   * one does, as the public presenter shows it — only where the field is public, a 个体工商户's
   * operator masked — with anything shaped like an ID or mobile number masked too.
   */
  private representativeNamed(views: readonly PublicRecordView[]): { name: string } | null {
    const newest = [...views].sort((a, b) => (a.decisionDate < b.decisionDate ? 1 : a.decisionDate > b.decisionDate ? -1 : 0));
    for (const v of newest) {
      const field = this.item(v.itemCode)?.subjectFields.legalRepresentative;
      const name = v.fields.find((f) => f.code === field)?.value.trim();
      if (name) return { name: maskNumbers(name) };
    }
    return null;
  }

  /**
   * A 双公示 result set as CSV for Excel (UTF-8 with BOM), at most `maxRows` rows; a larger set is
   * refused with its size, so nobody gets a silently cut list. Cells that a spreadsheet would run
   * as a formula get a leading apostrophe.
   */
  async publicityCsv(kind: keyof typeof PUBLICITY_ITEMS, q: PublicityFilter, maxRows: number): Promise<{ csv: string; rows: number } | { tooMany: number }> {
    const item = this.item(PUBLICITY_ITEMS[kind]);
    const columns = item ? publicFields(item) : [];
    const head = ['行政相对人', '统一社会信用代码', '决定文书号', '决定日期', '公示截止日期', '数据来源', ...columns.map((f) => f.label)];
    const lines = [head.map(csvCell).join(',')];
    for (let page = 1; ; page++) {
      const r = await this.publicity(kind, { ...q, page, pageSize: 1000 });
      if (page === 1 && r.total > maxRows) return { tooMany: r.total };
      for (const x of r.items) {
        const byCode = new Map(x.fields.map((f) => [f.code, f.value]));
        lines.push([x.subject.name, x.subject.uscc ?? '', x.documentNumber, x.decisionDate, x.publicityEnd ?? '长期', x.source ?? '', ...columns.map((f) => byCode.get(f.code) ?? '')].map(csvCell).join(','));
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
    const { rows, total } = await this.records.publicList({
      itemCode: item.code, today: this.today(), departmentId: q.departmentId, from: q.from, to: q.to,
      category: q.category, categoryField: item.categoryField, limit: q.pageSize, offset: (q.page - 1) * q.pageSize,
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
}
