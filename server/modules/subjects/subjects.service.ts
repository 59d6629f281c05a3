/**
 * Credit subjects: organizations and natural persons, their identifiers and versions.
 * ID numbers are validated, then stored only as SM4 ciphertext + blind index + masked form.
 */
import type { Kysely } from 'kysely';
import type { KyselyLike } from '../audit/index.js';
import { validateIdNumber, validateUscc, maskIdNumber, normalizeCode, toHalfWidth, type CodeIssue } from '../../../common/identifiers/index.js';
import type { FieldCipher } from '../../platform/crypto/index.js';
import type { Actor, AuditLog } from '../audit/index.js';
import { AppError } from '../../platform/errors.js';
import { ID_NUMBER_INDEX_DOMAIN } from './subjects.bulk.js';
import { maskPersonName } from '../../../common/masking.js';
import { presentForPublic, presentForStaff, type SubjectView } from './subjects.presenter.js';
import { orgTypeFromUscc, resolveSubjects, type Resolution, type SubjectClaim } from './subjects.resolve.js';
import { SubjectsRepo, type NewSubjectRow, type PublicRow, type SubjectRow } from './subjects.repo.js';
import { searchKey } from './name-index.js';
import { PublicDirectory } from './public-directory.js';
import type { LegacyScheme, OrgType, SubjectKind, SubjectStatus, SubjectTables } from './subjects.tables.js';

export interface SubjectInput {
  kind: SubjectKind;
  orgType?: OrgType | undefined;
  name: string;
  uscc?: string | undefined;
  idNumber?: string | undefined;
  legalRepresentativeId?: string | undefined;
  legalRepresentative?: { name: string; idNumber: string } | undefined;
  regionCode?: string | undefined;
  industryCode?: string | undefined;
  status?: SubjectStatus | undefined;
  legacyIdentifiers?: { scheme: LegacyScheme; value: string }[] | undefined;
}

export type SubjectPatch = Partial<Omit<SubjectInput, 'kind' | 'idNumber'>>;

export interface FieldIssue extends CodeIssue {
  field: string;
}

export interface SubjectsDeps {
  db: Kysely<SubjectTables>;
  audit: AuditLog;
  cipher: FieldCipher;
  regionName: (code: string) => string | undefined;
  industryName: (code: string) => string | undefined;
  today?: () => string;
  /** How old the portal's name index may be when a search starts (ms); older, it catches up first. */
  nameIndexStalenessMs?: number;
}

const LEGACY_LABELS: Record<LegacyScheme, string> = {
  regNo: '工商注册号',
  orgCode: '组织机构代码',
  taxNo: '税务登记号',
  institutionCertNo: '事业单位证书号',
  socialOrgCertNo: '社会组织登记证号',
};

export class SubjectsService {
  private readonly repo: SubjectsRepo;
  private readonly directory: PublicDirectory;

  constructor(private readonly deps: SubjectsDeps) {
    this.repo = new SubjectsRepo(deps.db);
    this.directory = new PublicDirectory(this.repo, deps.nameIndexStalenessMs ?? 5_000);
  }

  idNumberIndex(normalized: string): string {
    return this.deps.cipher.blindIndex(normalized, ID_NUMBER_INDEX_DOMAIN);
  }

  private checkIdNumber(raw: string, field: string, issues: FieldIssue[]): string | null {
    const r = validateIdNumber(raw, { regionName: this.deps.regionName, ...(this.deps.today ? { today: this.deps.today() } : {}) });
    if (!r.valid) {
      issues.push(...r.errors.map((e) => ({ ...e, field })));
      return null;
    }
    return r.normalized;
  }

  private checkCommon(input: SubjectPatch, issues: FieldIssue[]): void {
    if (input.name !== undefined && input.name.trim().length === 0) issues.push({ field: 'name', code: 'NAME_EMPTY', message: '名称不能为空' });
    if (input.regionCode !== undefined && !this.deps.regionName(input.regionCode)) {
      issues.push({ field: 'regionCode', code: 'REGION_UNKNOWN', message: `行政区划代码「${input.regionCode}」不在GB/T 2260代码表中` });
    }
    if (input.industryCode !== undefined && !this.deps.industryName(input.industryCode)) {
      issues.push({ field: 'industryCode', code: 'INDUSTRY_UNKNOWN', message: `行业门类代码「${input.industryCode}」不在GB/T 4754代码表中` });
    }
  }

  private async resolveLegalRep(repo: SubjectsRepo, input: SubjectPatch, issues: FieldIssue[], actor: string): Promise<string | null | undefined> {
    if (input.legalRepresentativeId !== undefined) {
      const rep = await repo.byId(input.legalRepresentativeId);
      if (!rep || rep.kind !== 'person') {
        issues.push({ field: 'legalRepresentativeId', code: 'LEGAL_REP_NOT_PERSON', message: '法定代表人须为已登记的自然人主体' });
        return undefined;
      }
      return rep.id;
    }
    if (input.legalRepresentative) {
      const normalized = this.checkIdNumber(input.legalRepresentative.idNumber, 'legalRepresentative.idNumber', issues);
      if (!normalized) return undefined;
      const existing = await repo.byIdNumberIndex(this.idNumberIndex(normalized));
      if (existing) return existing.id;
      const created = await this.insertPerson(repo, { kind: 'person', name: input.legalRepresentative.name }, normalized, actor);
      return created.id;
    }
    return undefined;
  }

  private async insertPerson(repo: SubjectsRepo, input: SubjectInput, normalizedId: string, actor: string): Promise<SubjectRow> {
    const row = await repo.insert({
      kind: 'person',
      org_type: null,
      name: input.name.trim(),
      uscc: null,
      id_number_enc: this.deps.cipher.encrypt(normalizedId),
      id_number_index: this.idNumberIndex(normalizedId),
      id_number_masked: maskIdNumber(normalizedId),
      legal_rep_id: null,
      region_code: input.regionCode ?? (this.deps.regionName(normalizedId.slice(0, 6)) ? normalizedId.slice(0, 6) : null),
      industry_code: input.industryCode ?? null,
      ...(input.status ? { status: input.status } : {}),
    });
    await repo.addVersion(row.id, row.version, await this.view(repo, row), actor);
    return row;
  }

  async create(input: SubjectInput, actor: Actor): Promise<SubjectView> {
    const issues: FieldIssue[] = [];
    this.checkCommon(input, issues);
    return this.repo.transaction(async (repo, trx) => {
      if (input.kind === 'person') {
        if (input.uscc) issues.push({ field: 'uscc', code: 'PERSON_NO_USCC', message: '自然人不应填写统一社会信用代码' });
        if (input.orgType) issues.push({ field: 'orgType', code: 'PERSON_NO_ORG_TYPE', message: '自然人没有组织类型' });
        if (!input.idNumber) issues.push({ field: 'idNumber', code: 'ID_REQUIRED', message: '自然人须填写身份证号码' });
        const normalized = input.idNumber ? this.checkIdNumber(input.idNumber, 'idNumber', issues) : null;
        if (issues.length > 0 || !normalized) throw new AppError('SUBJECT_INVALID', issues);
        if (await repo.byIdNumberIndex(this.idNumberIndex(normalized))) throw new AppError('SUBJECT_DUPLICATE', [{ field: 'idNumber', message: '该身份证号码已登记' }]);
        const row = await this.insertPerson(repo, input, normalized, actor.id);
        await this.deps.audit.record(trx, { category: 'business', event: 'subject.create', actor, result: 'success', objectType: 'subject', objectId: row.id, details: { kind: 'person' } });
        return this.view(repo, row);
      }

      if (input.idNumber) issues.push({ field: 'idNumber', code: 'ORG_NO_ID_NUMBER', message: '组织不应填写身份证号码；法定代表人请填写legalRepresentative' });
      let uscc: string | null = null;
      if (input.uscc) {
        const r = validateUscc(input.uscc, this.deps.regionName);
        if (!r.valid) issues.push(...r.errors.map((e) => ({ ...e, field: 'uscc' })));
        else uscc = r.normalized;
      }
      const orgType = input.orgType ?? (uscc ? orgTypeFromUscc(uscc) : undefined);
      if (!orgType && !input.uscc) issues.push({ field: 'orgType', code: 'ORG_TYPE_REQUIRED', message: '无统一社会信用代码时须填写组织类型' });
      if (orgType === 'individualBusiness' && uscc && !uscc.startsWith('92')) {
        issues.push({ field: 'uscc', code: 'INDIVIDUAL_BUSINESS_92', message: '个体工商户的统一社会信用代码应以92开头', position: 1 });
      }
      const legalRepId = await this.resolveLegalRep(repo, input, issues, actor.id);
      if (issues.length > 0 || !orgType) throw new AppError('SUBJECT_INVALID', issues);
      if (uscc && (await repo.byUscc(uscc))) throw new AppError('SUBJECT_DUPLICATE', [{ field: 'uscc', message: `统一社会信用代码${uscc}已登记` }]);
      await this.checkLegacyFree(repo, input.legacyIdentifiers, null);
      const usccRegion = uscc && this.deps.regionName(uscc.slice(2, 8)) ? uscc.slice(2, 8) : null;
      const row = await repo.insert({
        kind: 'organization',
        org_type: orgType,
        name: input.name.trim(),
        uscc,
        id_number_enc: null,
        id_number_index: null,
        id_number_masked: null,
        legal_rep_id: legalRepId ?? null,
        region_code: input.regionCode ?? usccRegion,
        industry_code: input.industryCode ?? null,
        ...(input.status ? { status: input.status } : {}),
      } satisfies NewSubjectRow);
      if (input.legacyIdentifiers?.length) await repo.putIdentifiers(row.id, normalizeLegacy(input.legacyIdentifiers));
      const view = await this.view(repo, row);
      await repo.addVersion(row.id, row.version, view, actor.id);
      await this.deps.audit.record(trx, { category: 'business', event: 'subject.create', actor, result: 'success', objectType: 'subject', objectId: row.id, details: { kind: 'organization', uscc, legalRepresentativeId: legalRepId ?? null } });
      return view;
    });
  }

  async update(id: string, expectedVersion: number, patch: SubjectPatch, actor: Actor): Promise<SubjectView> {
    const issues: FieldIssue[] = [];
    this.checkCommon(patch, issues);
    return this.repo.transaction(async (repo, trx) => {
      const current = await repo.byId(id);
      if (!current) throw new AppError('NOT_FOUND', { subjectId: id });
      const set: Partial<NewSubjectRow> = {};
      if (patch.name !== undefined) set.name = patch.name.trim();
      if (patch.status !== undefined) set.status = patch.status;
      if (patch.regionCode !== undefined) set.region_code = patch.regionCode;
      if (patch.industryCode !== undefined) set.industry_code = patch.industryCode;
      if (current.kind === 'organization') {
        if (patch.uscc !== undefined) {
          const r = validateUscc(patch.uscc, this.deps.regionName);
          if (!r.valid) issues.push(...r.errors.map((e) => ({ ...e, field: 'uscc' })));
          else {
            const other = await repo.byUscc(r.normalized);
            if (other && other.id !== id) throw new AppError('SUBJECT_DUPLICATE', [{ field: 'uscc', message: `统一社会信用代码${r.normalized}已登记` }]);
            set.uscc = r.normalized;
          }
        }
        if (patch.orgType !== undefined) set.org_type = patch.orgType;
        const legalRepId = await this.resolveLegalRep(repo, patch, issues, actor.id);
        if (legalRepId) set.legal_rep_id = legalRepId;
      } else if (patch.uscc !== undefined || patch.orgType !== undefined || patch.legalRepresentative || patch.legalRepresentativeId) {
        issues.push({ field: 'kind', code: 'PERSON_FIELDS', message: '自然人没有统一社会信用代码、组织类型或法定代表人' });
      }
      if (issues.length > 0) throw new AppError('SUBJECT_INVALID', issues);
      const row = await repo.update(id, expectedVersion, set);
      if (!row) throw new AppError('VERSION_CONFLICT', { subjectId: id, expectedVersion, currentVersion: current.version });
      // The portal shows a representative's name with each organization: they must be read again.
      if (current.kind === 'person' && set.name !== undefined && set.name !== current.name) await repo.touchRepresented(id);
      if (patch.legacyIdentifiers) {
        await this.checkLegacyFree(repo, patch.legacyIdentifiers, id);
        await repo.putIdentifiers(id, normalizeLegacy(patch.legacyIdentifiers));
      }
      const view = await this.view(repo, row);
      await repo.addVersion(id, row.version, view, actor.id);
      // Field names only: the values (possibly a person's name) stay in the versioned snapshot.
      await this.deps.audit.record(trx, { category: 'business', event: 'subject.update', actor, result: 'success', objectType: 'subject', objectId: id, details: { fields: Object.keys(patch), version: row.version } });
      return view;
    });
  }

  /** A legacy code (e.g. 工商注册号) belongs to one subject only. */
  private async checkLegacyFree(repo: SubjectsRepo, ids: SubjectInput['legacyIdentifiers'], self: string | null): Promise<void> {
    for (const i of normalizeLegacy(ids ?? [])) {
      const owner = await repo.byLegacyIdentifier(i.scheme, i.value);
      if (owner && owner.id !== self) {
        throw new AppError('SUBJECT_DUPLICATE', [{ field: 'legacyIdentifiers', message: `${LEGACY_LABELS[i.scheme]}${i.value}已属于另一主体` }]);
      }
    }
  }

  /** Collection: the subjects of a chunk of records, found or created in the caller's transaction. */
  async resolveForRecords(trx: KyselyLike, claims: readonly SubjectClaim[], actorId: string): Promise<Resolution> {
    return resolveSubjects(new SubjectsRepo(trx as Kysely<SubjectTables>), { cipher: this.deps.cipher, regionName: this.deps.regionName }, claims, actorId);
  }

  async get(id: string): Promise<SubjectView> {
    const row = await this.repo.byId(id);
    if (!row) throw new AppError('NOT_FOUND', { subjectId: id });
    return this.view(this.repo, row);
  }

  async versions(id: string) {
    if (!(await this.repo.byId(id))) throw new AppError('NOT_FOUND', { subjectId: id });
    return (await this.repo.versions(id)).map((v) => ({ version: v.version, data: v.data, changedAt: v.changed_at.toISOString(), changedBy: v.changed_by }));
  }

  /** Exact identifier lookups take precedence; a code that fails validation is a clear 422. */
  async search(q: { q?: string; uscc?: string; idNumber?: string; kind?: SubjectKind; limit: number; offset: number }) {
    const issues: FieldIssue[] = [];
    let uscc: string | undefined;
    let idNumberIndex: string | undefined;
    if (q.uscc) {
      const r = validateUscc(q.uscc, this.deps.regionName);
      if (!r.valid) issues.push(...r.errors.map((e) => ({ ...e, field: 'uscc' })));
      uscc = r.normalized;
    }
    if (q.idNumber) {
      const normalized = this.checkIdNumber(q.idNumber, 'idNumber', issues);
      if (normalized) idNumberIndex = this.idNumberIndex(normalized);
    }
    if (issues.length > 0) throw new AppError('INVALID_IDENTIFIER', issues);
    const name = q.q?.trim() ? toHalfWidth(q.q.trim()) : undefined;
    // Same idea as the SQL name_norm: spaces, punctuation and symbols do not count.
    const nameNormalizedLength = name ? [...name.replace(/[\s\p{P}\p{S}]/gu, '')].length : 0;
    if (name !== undefined && nameNormalizedLength === 0) return { total: 0, items: [] };
    const { rows, total } = await this.repo.search({
      ...(name ? { name } : {}),
      nameNormalizedLength,
      ...(uscc ? { uscc } : {}),
      ...(idNumberIndex ? { idNumberIndex } : {}),
      ...(q.kind ? { kind: q.kind } : {}),
      limit: q.limit,
      offset: q.offset,
    });
    const reps = new Map((await this.repo.byIds([...new Set(rows.map((r) => r.legal_rep_id).filter((x): x is string => !!x))])).map((r) => [r.id, r]));
    return {
      total,
      items: rows.map((r) =>
        presentForStaff(r, { regionName: this.deps.regionName, industryName: this.deps.industryName, legalRep: r.legal_rep_id ? reps.get(r.legal_rep_id) : undefined }),
      ),
    };
  }

  // ---- the public (portal): organizations only, through the public presenter ------------------

  /**
   * Ranked search of organizations by name or USCC; null when the text has fewer than two
   * characters. The exact code comes first, then the name index's order (exact name, prefix,
   * contains; shorter names first).
   */
  async publicSearch(q: { q: string; orgType?: OrgType | undefined; region?: string | undefined; limit: number; offset: number }) {
    const text = toHalfWidth(q.q.trim());
    if ([...searchKey(text)].length < 2) return null;
    const code = normalizeCode(text);
    const byCode = code.length === 18 && validateUscc(code).valid ? await this.directory.byUscc(code) : undefined;
    const exact = byCode?.kind === 'organization' && (!q.orgType || byCode.org_type === q.orgType) && (!q.region || byCode.region_code?.startsWith(q.region)) ? byCode : undefined;
    const first = exact && q.offset === 0 ? 1 : 0;
    const found = await this.directory.search({ text, orgType: q.orgType, region: q.region, offset: Math.max(0, q.offset - (exact ? 1 : 0)), limit: q.limit - first + 1 });
    const rows = found.rows.filter((r) => r.id !== exact?.id).slice(0, q.limit - first);
    const page = first && exact ? [exact, ...rows] : rows;
    const total = found.total + (exact && !found.rows.some((r) => r.id === exact.id) ? 1 : 0);
    return { total, totalCapped: found.capped, items: page.map((r) => this.presentPublic(r)) };
  }

  /** The regions organizations are registered in, most first, named (the search page's filter). */
  async publicRegions(limit: number): Promise<{ code: string; name: string; count: number }[]> {
    return (await this.directory.regions()).slice(0, limit).map((r) => ({ ...r, name: this.deps.regionName(r.code) ?? r.code }));
  }

  /** Loads the portal's directory of organizations now (at start), instead of on the first search. */
  warmNameIndex(): Promise<void> {
    return this.directory.fresh();
  }

  /** An organization's public view by its USCC, with its id (to find its records); undefined if none. */
  async publicByUscc(raw: string) {
    const code = normalizeCode(raw);
    const row = code.length === 18 ? await this.directory.byUscc(code) : undefined;
    if (!row || row.kind !== 'organization') return undefined;
    // `source`: the directory's entry, a new object whenever the organization changes (kept answers
    // compare it); `present` only when an answer is built, not when a kept one is sent.
    return { id: row.id, source: row as object, present: () => ({ view: this.presentPublic(row), parts: validateUscc(code, this.deps.regionName).parts }) };
  }

  countOrganizations(): Promise<number> {
    return this.repo.countOrganizations();
  }

  /** Names, kinds and USCCs of the subjects of public records (persons' names masked). */
  async publicNames(ids: string[]) {
    return new Map((await this.repo.byIds([...new Set(ids)])).map((r) => [r.id, { kind: r.kind, individualBusiness: r.org_type === 'individualBusiness', name: r.kind === 'person' ? maskPersonName(r.name) : r.name, uscc: r.kind === 'organization' ? r.uscc : null }]));
  }

  private presentPublic(row: PublicRow) {
    return presentForPublic(row, { regionName: this.deps.regionName, industryName: this.deps.industryName, legalRepName: row.legal_rep_name });
  }

  private async view(repo: SubjectsRepo, row: SubjectRow): Promise<SubjectView> {
    const legalRep = row.legal_rep_id ? await repo.byId(row.legal_rep_id) : undefined;
    const identifiers = row.kind === 'organization' ? await repo.identifiers(row.id) : [];
    return presentForStaff(row, { regionName: this.deps.regionName, industryName: this.deps.industryName, legalRep, identifiers });
  }
}

function normalizeLegacy(ids: { scheme: LegacyScheme; value: string }[]) {
  const seen = new Map<string, { scheme: LegacyScheme; value: string }>();
  for (const i of ids) seen.set(`${i.scheme}/${normalizeCode(i.value)}`, { scheme: i.scheme, value: normalizeCode(i.value) });
  return [...seen.values()];
}
