/**
 * Credit subjects: organizations and natural persons, their identifiers and versions.
 * ID numbers are validated, then stored only as SM4 ciphertext + blind index + masked form; so is
 * a natural person's name (ADR 0002), decrypted only here, for a staff read whose purpose is
 * registered in the same transaction.
 */
import type { Kysely } from 'kysely';
import type { KyselyLike } from '../audit/index.js';
import { validateIdNumber, validateUscc, maskIdNumber, normalizeCode, toHalfWidth, type CodeIssue, type UsccParts } from '../../../common/identifiers/index.js';
import type { FieldCipher } from '../../platform/crypto/index.js';
import type { Actor, AuditLog } from '../audit/index.js';
import { AppError } from '../../platform/errors.js';
import { ID_NUMBER_INDEX_DOMAIN } from './subjects.bulk.js';
import { maskPersonName } from '../../../common/masking.js';
import { presentForPublic, presentForStaff, type SubjectView } from './subjects.presenter.js';
import { orgTypeFromUscc, resolveSubjects, type Resolution, type SubjectClaim } from './subjects.resolve.js';
import { SubjectNamesUpgradeRepo, SubjectsRepo, type NewSubjectRow, type PublicRow, type SubjectRow } from './subjects.repo.js';
import { clearPersonName, personNameIndex, protectPersonName, publicRepresentativeName } from './person-names.js';
import { searchKey } from './name-index.js';
import { normalizeName } from '../../../common/text.js';
import { chinaToday } from '../../../common/dates.js';
import { PublicDirectory } from './public-directory.js';
import { presentRegistration, registrationColumns, statusOfRegistration, type RegistrationFacts, type RegistrationInput } from './registration.js';
import type { LegacyScheme, OrgType, SubjectKind, SubjectStatus, SubjectTables } from './subjects.tables.js';
import type { ListenEvent } from '../../platform/db/engine.js';

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
  /** An organization's registration facts (成立日期, 住所, 登记状态, 注册资本, 经营范围). */
  registration?: RegistrationInput | undefined;
}

export type SubjectPatch = Partial<Omit<SubjectInput, 'kind' | 'idNumber'>>;

export interface FieldIssue extends CodeIssue {
  field: string;
}

/** A staff read of non-public data: who reads, and the purpose they stated (registered with the read). */
export interface RegisteredRead {
  actor: Actor;
  purpose: string;
  authorizationRef?: string | undefined;
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
    const established = input.registration?.establishmentDate;
    const today = this.deps.today?.() ?? chinaToday();
    if (established && established > today) {
      issues.push({ field: 'registration.establishmentDate', code: 'ESTABLISHED_IN_FUTURE', message: `成立日期${established}晚于今天（${today}），请核对登记信息` });
    }
    if (input.regionCode !== undefined && !this.deps.regionName(input.regionCode)) {
      issues.push({ field: 'regionCode', code: 'REGION_UNKNOWN', message: `行政区划代码「${input.regionCode}」不在GB/T 2260代码表中` });
    }
    if (input.industryCode !== undefined && !this.deps.industryName(input.industryCode)) {
      issues.push({ field: 'industryCode', code: 'INDUSTRY_UNKNOWN', message: `行业门类代码「${input.industryCode}」不在GB/T 4754代码表中` });
    }
  }

  /**
   * The legal representative an input names, with their name in clear: the one given with it, or,
   * for a person named by id, their registered name — decrypted once, here, because it becomes the
   * organization's published registration information (publicRepresentativeName).
   */
  private async resolveLegalRep(repo: SubjectsRepo, input: SubjectPatch, issues: FieldIssue[], actor: string): Promise<{ id: string; name: string } | undefined> {
    if (input.legalRepresentativeId !== undefined) {
      const rep = await repo.byId(input.legalRepresentativeId);
      if (!rep || rep.kind !== 'person') {
        issues.push({ field: 'legalRepresentativeId', code: 'LEGAL_REP_NOT_PERSON', message: '法定代表人须为已登记的自然人主体' });
        return undefined;
      }
      return { id: rep.id, name: clearPersonName(this.deps.cipher, rep) };
    }
    if (input.legalRepresentative) {
      const normalized = this.checkIdNumber(input.legalRepresentative.idNumber, 'legalRepresentative.idNumber', issues);
      if (!normalized) return undefined;
      const name = normalizeName(input.legalRepresentative.name);
      const existing = await repo.byIdNumberIndex(this.idNumberIndex(normalized));
      if (existing) return { id: existing.id, name };
      const created = await this.insertPerson(repo, { kind: 'person', name }, normalized, actor);
      return { id: created.id, name };
    }
    return undefined;
  }

  private async insertPerson(repo: SubjectsRepo, input: SubjectInput, normalizedId: string, actor: string): Promise<SubjectRow> {
    const row = await repo.insert({
      kind: 'person',
      org_type: null,
      ...protectPersonName(this.deps.cipher, input.name),
      uscc: null,
      id_number_enc: this.deps.cipher.encrypt(normalizedId),
      id_number_index: this.idNumberIndex(normalizedId),
      id_number_masked: maskIdNumber(normalizedId),
      legal_rep_id: null,
      legal_rep_name: null,
      region_code: input.regionCode ?? (this.deps.regionName(normalizedId.slice(0, 6)) ? normalizedId.slice(0, 6) : null),
      industry_code: input.industryCode ?? null,
      ...(input.status ? { status: input.status } : {}),
    });
    // The snapshot shows the masked name: versions are read by anyone reading the subject's history.
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
        if (input.registration) issues.push({ field: 'registration', code: 'PERSON_NO_REGISTRATION', message: '自然人没有成立日期、住所、注册资本等组织登记信息' });
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
      const legalRep = await this.resolveLegalRep(repo, input, issues, actor.id);
      if (issues.length > 0 || !orgType) throw new AppError('SUBJECT_INVALID', issues);
      if (uscc && (await repo.byUscc(uscc))) throw new AppError('SUBJECT_DUPLICATE', [{ field: 'uscc', message: `统一社会信用代码${uscc}已登记` }]);
      await this.checkLegacyFree(repo, input.legacyIdentifiers, null);
      const usccRegion = uscc && this.deps.regionName(uscc.slice(2, 8)) ? uscc.slice(2, 8) : null;
      const legalRepId = legalRep?.id;
      const row = await repo.insert({
        kind: 'organization',
        org_type: orgType,
        name: normalizeName(input.name),
        name_enc: null,
        name_index: null,
        uscc,
        id_number_enc: null,
        id_number_index: null,
        id_number_masked: null,
        legal_rep_id: legalRep?.id ?? null,
        legal_rep_name: legalRep ? publicRepresentativeName(orgType, legalRep.name) : null,
        region_code: input.regionCode ?? usccRegion,
        industry_code: input.industryCode ?? null,
        ...(input.registration ? registrationColumns(input.registration) : {}),
        ...(input.status || input.registration?.status ? { status: input.status ?? statusOfRegistration(input.registration?.status ?? '') } : {}),
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
      let personName: { clear: string; index: string } | undefined;
      if (patch.name !== undefined && current.kind === 'person') {
        const protectedName = protectPersonName(this.deps.cipher, patch.name);
        Object.assign(set, protectedName);
        personName = { clear: normalizeName(patch.name), index: protectedName.name_index };
      } else if (patch.name !== undefined) set.name = normalizeName(patch.name);
      if (patch.status !== undefined) set.status = patch.status;
      if (patch.regionCode !== undefined) set.region_code = patch.regionCode;
      if (patch.industryCode !== undefined) set.industry_code = patch.industryCode;
      if (current.kind === 'organization' && patch.registration) {
        Object.assign(set, registrationColumns(patch.registration));
        // The registry's new status is the platform's too, unless the same change names one.
        if (patch.status === undefined && patch.registration.status) set.status = statusOfRegistration(patch.registration.status);
      }
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
        const legalRep = await this.resolveLegalRep(repo, patch, issues, actor.id);
        const orgType = patch.orgType ?? current.org_type;
        if (legalRep) {
          set.legal_rep_id = legalRep.id;
          set.legal_rep_name = publicRepresentativeName(orgType, legalRep.name);
        } else if (patch.orgType !== undefined && patch.orgType !== current.org_type && current.legal_rep_id) {
          // Becoming or ceasing to be a 个体工商户 changes how the representative is published.
          const rep = await repo.byId(current.legal_rep_id);
          if (rep) set.legal_rep_name = publicRepresentativeName(orgType, clearPersonName(this.deps.cipher, rep));
        }
      } else if (patch.uscc !== undefined || patch.orgType !== undefined || patch.legalRepresentative || patch.legalRepresentativeId || patch.registration) {
        issues.push({ field: 'kind', code: 'PERSON_FIELDS', message: '自然人没有统一社会信用代码、组织类型、法定代表人或组织登记信息' });
      }
      if (issues.length > 0) throw new AppError('SUBJECT_INVALID', issues);
      const row = await repo.update(id, expectedVersion, set);
      if (!row) throw new AppError('VERSION_CONFLICT', { subjectId: id, expectedVersion, currentVersion: current.version });
      // Organizations publish their representative's name: a corrected name is theirs too (and the
      // portal's directory reads them again).
      if (personName && personName.index !== current.name_index) await repo.renameRepresented(id, personName.clear, maskPersonName(personName.clear));
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

  /** A subject as staff see it without a stated purpose: a person's name masked. */
  async get(id: string): Promise<SubjectView> {
    const row = await this.repo.byId(id);
    if (!row) throw new AppError('NOT_FOUND', { subjectId: id });
    return this.view(this.repo, row);
  }

  /**
   * A staff read of one subject (GET /api/v1/subjects/:id): registered with its purpose in the
   * same transaction, and only then a person's name decrypted — the one place besides `search`
   * where the platform reads a name back.
   */
  async read(id: string, read: RegisteredRead): Promise<SubjectView> {
    return this.repo.transaction(async (repo, trx) => {
      const row = await repo.byId(id);
      if (!row) throw new AppError('NOT_FOUND', { subjectId: id });
      await this.register(trx, 'query.subject.get', read, { objectId: id, resultCount: 1 });
      return this.view(repo, row, row.kind === 'person' ? clearPersonName(this.deps.cipher, row) : undefined);
    });
  }

  private register(trx: KyselyLike, event: string, read: RegisteredRead, what: { objectId?: string; resultCount: number; subjectIds?: string[] }) {
    return this.deps.audit.record(trx, {
      category: 'query', event, actor: read.actor, result: 'success', objectType: 'subject',
      ...(what.objectId ? { objectId: what.objectId } : {}),
      purpose: read.purpose,
      ...(read.authorizationRef ? { authorizationRef: read.authorizationRef } : {}),
      resultCount: what.resultCount,
      ...(what.subjectIds ? { details: { subjectIds: what.subjectIds } } : {}),
    });
  }

  async versions(id: string) {
    if (!(await this.repo.byId(id))) throw new AppError('NOT_FOUND', { subjectId: id });
    return (await this.repo.versions(id)).map((v) => ({ version: v.version, data: v.data, changedAt: v.changed_at.toISOString(), changedBy: v.changed_by }));
  }

  /**
   * Staff search, registered with its purpose (the subjects shown, never what was searched for).
   * Organizations by part of their name, natural persons by their exact name only (the blind
   * index of the name without spaces), either by code. Exact identifier lookups take precedence; a
   * code that fails validation is a clear 422. Persons found are shown with their names decrypted.
   */
  async search(q: { q?: string | undefined; uscc?: string | undefined; idNumber?: string | undefined; kind?: SubjectKind | undefined; limit: number; offset: number }, read: RegisteredRead) {
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
    return this.repo.transaction(async (repo, trx) => {
      let found: { rows: SubjectRow[]; total: number } = { rows: [], total: 0 };
      if (name === undefined || nameNormalizedLength > 0) {
        found = await repo.search({
          ...(name ? { name, personNameIndex: personNameIndex(this.deps.cipher, normalizeName(q.q ?? '')) } : {}),
          nameNormalizedLength,
          ...(uscc ? { uscc } : {}),
          ...(idNumberIndex ? { idNumberIndex } : {}),
          ...(q.kind ? { kind: q.kind } : {}),
          limit: q.limit,
          offset: q.offset,
        });
      }
      const { rows, total } = found;
      // What was searched for is not registered (it may be a name or an ID number); which subjects
      // were shown is, so a subject can later learn who looked at its data.
      await this.register(trx, 'query.subject.search', read, { resultCount: rows.length, subjectIds: rows.map((r) => r.id) });
      const ctx = { regionName: this.deps.regionName, industryName: this.deps.industryName };
      return { total, items: rows.map((r) => presentForStaff(r, { ...ctx, ...(r.kind === 'person' ? { clearName: clearPersonName(this.deps.cipher, r) } : {}) })) };
    });
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
    const check = looksLikeCode(code) ? this.checkCode(code) : null;
    const byCode = check?.valid ? await this.directory.byUscc(code) : undefined;
    const exact = byCode?.kind === 'organization' && (!q.orgType || byCode.org_type === q.orgType) && (!q.region || byCode.region_code?.startsWith(q.region)) ? byCode : undefined;
    const first = exact && q.offset === 0 ? 1 : 0;
    const found = await this.directory.search({ text, orgType: q.orgType, region: q.region, offset: Math.max(0, q.offset - (exact ? 1 : 0)), limit: q.limit - first + 1 });
    const rows = found.rows.filter((r) => r.id !== exact?.id).slice(0, q.limit - first);
    const page = first && exact ? [exact, ...rows] : rows;
    const total = found.total + (exact && !found.rows.some((r) => r.id === exact.id) ? 1 : 0);
    return { total, totalCapped: found.capped, items: page.map((r) => this.presentPublic(r)), code: check && { ...check, registered: byCode?.kind === 'organization' } };
  }

  /**
   * The code check of a code typed into the portal (full-width, spaces and hyphens accepted): each
   * failed rule with the position it concerns (「第18位校验码应为3，实际为4」), a valid code's parts.
   * A resident ID number is said to be one, without more: the portal never searches persons.
   */
  checkCode(raw: string): { normalized: string; valid: boolean; errors: CodeIssue[]; parts: UsccParts | null } {
    const r = validateUscc(raw, this.deps.regionName);
    if (!r.valid && validateIdNumber(r.normalized, { regionName: this.deps.regionName, ...(this.deps.today ? { today: this.deps.today() } : {}) }).valid) {
      // Masked: an answer never gives an ID number back, not even the one asked with.
      return { normalized: maskIdNumber(r.normalized), valid: false, errors: [{ code: 'PERSON_ID_NUMBER', message: '这是居民身份证号码：本平台不提供自然人查询，请输入组织的统一社会信用代码或名称' }], parts: null };
    }
    return { normalized: r.normalized, valid: r.valid, errors: r.errors, parts: r.parts };
  }

  /** An organization's registration facts as held (null fields: not collected); undefined for none. */
  async publicRegistration(id: string): Promise<RegistrationFacts | undefined> {
    const row = await this.repo.registration(id);
    return row && presentRegistration(row);
  }

  /** The regions organizations are registered in, most first, named (the search page's filter). */
  async publicRegions(limit: number): Promise<{ code: string; name: string; count: number }[]> {
    return (await this.directory.regions()).slice(0, limit).map((r) => ({ ...r, name: this.deps.regionName(r.code) ?? r.code }));
  }

  /**
   * For Engine.listen(SUBJECT_CHANGES_CHANNEL / RECORD_CHANGES_CHANNEL, …): organizations may have
   * changed in some process (an import creates them with its records); the directory reads what
   * changed before its next lookup. While the channel is lost its staleness bound still applies.
   */
  readonly directoryEvent = (event: ListenEvent): void => {
    if (event !== 'lost') this.directory.changed();
  };

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

  /**
   * Organizations by id as their profile shows them — header, USCC parts and registration facts —
   * read from the database (not the directory, which may be a moment behind): what the portal's
   * stored profiles are built from, after reading the generation they are built at.
   */
  async publicProfileParts(ids: readonly string[]) {
    const rows = await this.repo.publicWithRegistration([...ids]);
    return new Map(rows.map((row) => [row.id, { view: this.presentPublic(row), parts: row.uscc ? validateUscc(row.uscc, this.deps.regionName).parts : null, registration: presentRegistration(row) }]));
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

  /** `clearName`: a person's name decrypted for a registered read; otherwise the view shows it masked. */
  private async view(repo: SubjectsRepo, row: SubjectRow, clearName?: string): Promise<SubjectView> {
    // The representative's published name is on the organization; a row not converted yet has none.
    const rep = row.legal_rep_id && row.legal_rep_name === null ? await repo.byId(row.legal_rep_id) : undefined;
    const identifiers = row.kind === 'organization' ? await repo.identifiers(row.id) : [];
    return presentForStaff(row, {
      regionName: this.deps.regionName, industryName: this.deps.industryName, identifiers, clearName,
      legalRep: rep ? { id: rep.id, name: maskPersonName(rep.name) } : undefined,
    });
  }

  /**
   * Databases written before migration 0012 keep persons' names in clear: encrypt and mask them,
   * give organizations their representative's published name, and mask names in the version
   * snapshots. In batches (each its own transaction), idempotent — a row converted is not read
   * again — and resumable: stopped part-way, the next start carries on.
   */
  async protectLegacyNames(batchSize = 500): Promise<{ representatives: number; persons: number; versions: number }> {
    const upgrade = new SubjectNamesUpgradeRepo(this.deps.db);
    const cipher = this.deps.cipher;
    const done = { representatives: 0, persons: 0, versions: 0 };
    // Organizations first, while most representatives' names can still be read without decrypting.
    for (let after: string | null = null; ; ) {
      const page = await upgrade.batch(async (repo) => {
        const rows = await repo.representedWithoutName(after, batchSize);
        await repo.setRepresentativeNames(rows.map((r) => ({ id: r.id, name: publicRepresentativeName(r.org_type, clearPersonName(cipher, { name: r.rep_name, name_enc: r.rep_name_enc })) })));
        return rows;
      });
      done.representatives += page.length;
      if (page.length < batchSize) break;
      after = page[page.length - 1]?.id ?? null;
    }
    for (let after: string | null = null; ; ) {
      const page = await upgrade.batch(async (repo) => {
        const rows = await repo.personsInClear(after, batchSize);
        done.persons += await repo.protectPersons(rows.map((r) => ({ id: r.id, ...protectPersonName(cipher, r.name) })));
        return rows;
      });
      if (page.length < batchSize) break;
      after = page[page.length - 1]?.id ?? null;
    }
    for (let after: { subjectId: string; version: number } | null = null; ; ) {
      const page = await upgrade.batch(async (repo) => {
        const rows = await repo.versionsToMask(after, batchSize);
        const changed = rows.flatMap((r) => {
          const data = maskSnapshot(r.data, r.kind === 'person', r.org_type === 'individualBusiness');
          return data === r.data ? [] : [{ subject_id: r.subject_id, version: r.version, data }];
        });
        await repo.setVersionData(changed);
        done.versions += changed.length;
        return rows;
      });
      if (page.length < batchSize) break;
      const last = page[page.length - 1];
      after = last ? { subjectId: last.subject_id, version: last.version } : null;
    }
    return done;
  }
}

/** A version snapshot with a person's name, or a 个体工商户's operator, masked; the same object when nothing changes. */
function maskSnapshot(data: unknown, person: boolean, individualBusiness: boolean): unknown {
  if (!data || typeof data !== 'object') return data;
  const d = data as { name?: unknown; legalRepresentative?: unknown };
  if (person && typeof d.name === 'string' && maskPersonName(d.name) !== d.name) return { ...d, name: maskPersonName(d.name) };
  const rep = d.legalRepresentative as { name?: unknown } | null | undefined;
  if (individualBusiness && rep && typeof rep.name === 'string' && maskPersonName(rep.name) !== rep.name) return { ...d, legalRepresentative: { ...rep, name: maskPersonName(rep.name) } };
  return data;
}

/**
 * A search text meant as a code, not a name: 16 to 20 letters and digits (a USCC is 18; one
 * character missed or added is still a code), at least six of them digits — no company name is.
 */
function looksLikeCode(normalized: string): boolean {
  return /^[0-9A-Z]{16,20}$/.test(normalized) && (normalized.match(/\d/g)?.length ?? 0) >= 6;
}

function normalizeLegacy(ids: { scheme: LegacyScheme; value: string }[]) {
  const seen = new Map<string, { scheme: LegacyScheme; value: string }>();
  for (const i of ids) seen.set(`${i.scheme}/${normalizeCode(i.value)}`, { scheme: i.scheme, value: normalizeCode(i.value) });
  return [...seen.values()];
}
