/**
 * The only way subject data leaves the module. One serializer per audience; ID numbers are
 * only ever shown masked (unmasking needs a purpose and an audit trail: identity issue). A natural
 * person's name is stored masked and encrypted (ADR 0002): staff see it whole only where the
 * service decrypted it for a read with a registered purpose.
 */
import type { PublicSubject } from '../../../common/portal-api.js';
import type { Classification } from '../../../common/classification.js';
import { maskPersonName } from '../../../common/masking.js';
import { presentRegistration, type RegistrationFacts } from './registration.js';
import type { SubjectRow } from './subjects.repo.js';
import type { LegacyScheme } from './subjects.tables.js';

export interface SubjectView {
  id: string;
  /** A natural person's record is restricted personal data; an organization's registration data is public. */
  classification: Classification;
  kind: SubjectRow['kind'];
  orgType: SubjectRow['org_type'];
  name: string;
  uscc: string | null;
  idNumberMasked: string | null;
  legalRepresentative: { id: string; name: string } | null;
  region: { code: string; name: string | null } | null;
  industry: { code: string; name: string | null } | null;
  status: SubjectRow['status'];
  /** An organization's registration facts as held (null fields: not collected); a person has none. */
  registration: RegistrationFacts | null;
  legacyIdentifiers: { scheme: LegacyScheme; value: string }[];
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface PresenterContext {
  regionName: (code: string) => string | undefined;
  industryName: (code: string) => string | undefined;
  /**
   * A person's name decrypted by the service for a staff read with a registered purpose; without
   * it the stored, masked name is shown (answers to writes, version snapshots).
   */
  clearName?: string | undefined;
  /** An organization's representative when the row does not carry its published name (a row not yet converted). */
  legalRep?: { id: string; name: string } | undefined;
  identifiers?: { scheme: LegacyScheme; value: string }[];
}

/**
 * Staff audience (credit office, departments): organizations as registered, with their legal
 * representative as the organization publishes it (a 个体工商户's operator masked); a natural
 * person's name masked unless `clearName` is given; ID numbers masked.
 */
export function presentForStaff(row: SubjectRow, ctx: PresenterContext): SubjectView {
  const rep = row.legal_rep_id ? (row.legal_rep_name !== null ? { id: row.legal_rep_id, name: row.legal_rep_name } : ctx.legalRep) : undefined;
  return {
    id: row.id,
    classification: row.kind === 'person' ? 'restrictedPersonal' : 'public',
    kind: row.kind,
    orgType: row.org_type,
    name: row.kind === 'person' ? (ctx.clearName ?? maskPersonName(row.name)) : row.name,
    uscc: row.uscc,
    idNumberMasked: row.id_number_masked,
    legalRepresentative: rep ? { id: rep.id, name: rep.name } : null,
    region: row.region_code ? { code: row.region_code, name: ctx.regionName(row.region_code) ?? null } : null,
    industry: row.industry_code ? { code: row.industry_code, name: ctx.industryName(row.industry_code) ?? null } : null,
    status: row.status,
    registration: row.kind === 'organization' ? presentRegistration(row) : null,
    legacyIdentifiers: ctx.identifiers ?? [],
    version: row.version,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export interface PublicPresenterContext {
  regionName: (code: string) => string | undefined;
  industryName: (code: string) => string | undefined;
  /** The name of the legal representative (or a 个体工商户's operator), when one is linked. */
  legalRepName?: string | null | undefined;
}

/** What the public presenter reads of a subject (the portal's name index keeps just this). */
export type PublicSubjectRow = Pick<SubjectRow, 'id' | 'kind' | 'org_type' | 'name' | 'uscc' | 'region_code' | 'industry_code' | 'status'>;

/**
 * Public audience (portal): natural persons' names masked, no ID number at all. A company's legal
 * representative is public registration information and shown, as 信用中国 shows it; a
 * 个体工商户's operator is a natural person in business on their own and is masked. The legal
 * representative's subject id is not given: it would link one person's roles across companies.
 */
export function presentForPublic(row: PublicSubjectRow, ctx: PublicPresenterContext): PublicSubject {
  const rep = ctx.legalRepName;
  return {
    id: row.id,
    kind: row.kind,
    orgType: row.org_type,
    name: row.kind === 'person' ? maskPersonName(row.name) : row.name,
    uscc: row.uscc,
    legalRepresentative: rep ? { name: row.org_type === 'individualBusiness' ? maskPersonName(rep) : rep } : null,
    region: row.region_code ? { code: row.region_code, name: ctx.regionName(row.region_code) ?? null } : null,
    industry: row.industry_code ? { code: row.industry_code, name: ctx.industryName(row.industry_code) ?? null } : null,
    status: row.status,
  };
}
