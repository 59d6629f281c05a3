/**
 * COPY path for bulk subject loads (demo and benchmark data). Callers pass identifiers already
 * validated; ID numbers and persons' names are encrypted, indexed and masked here exactly as the
 * service does, and an organization's representative is kept as it publishes it.
 */
import { maskIdNumber } from '../../../common/identifiers/index.js';
import type { FieldCipher } from '../../platform/crypto/index.js';
import { protectPersonName, publicRepresentativeName } from './person-names.js';
import { statusOfRegistration } from './registration.js';
import type { OrgType } from './subjects.tables.js';

type CopyCsv = (table: string, columns: string[], csv: string) => Promise<void>;

/** Blind-index domain of ID numbers; shared with the service so both paths index alike. */
export const ID_NUMBER_INDEX_DOMAIN = 'idNumber';

export interface BulkSubject {
  id: string;
  kind: 'organization' | 'person';
  orgType: OrgType | null;
  /** In clear: a person's is encrypted and masked here. */
  name: string;
  uscc: string | null;
  idNumber: string | null;
  legalRepId: string | null;
  /** An organization's representative's name, in clear (a 个体工商户's operator is masked here). */
  legalRepName?: string | null;
  regionCode: string | null;
  industryCode: string | null;
  /** An organization's registration facts, as the registry gives them; absent ones stay null. */
  registration?: BulkRegistration;
}

export interface BulkRegistration {
  establishmentDate?: string;
  address?: string;
  status?: string;
  /** 万元. */
  registeredCapital?: string;
  businessScope?: string;
}

const q = (v: string | null) => (v === null ? '' : `"${v.replace(/"/g, '""')}"`);

export async function copySubjects(copy: CopyCsv, cipher: FieldCipher, rows: BulkSubject[]): Promise<void> {
  const lines = rows.map((s) => {
    const enc = s.idNumber ? cipher.encrypt(s.idNumber) : null;
    const index = s.idNumber ? cipher.blindIndex(s.idNumber, ID_NUMBER_INDEX_DOMAIN) : null;
    const masked = s.idNumber ? maskIdNumber(s.idNumber) : null;
    const name = s.kind === 'person' ? protectPersonName(cipher, s.name) : { name: s.name, name_enc: null, name_index: null };
    const rep = s.kind === 'organization' && s.legalRepName ? publicRepresentativeName(s.orgType, s.legalRepName) : null;
    const g = s.kind === 'organization' ? s.registration : undefined;
    const facts = [g?.establishmentDate, g?.address, g?.status, g?.registeredCapital, g?.businessScope].map((v) => q(v ?? null));
    // The platform's status follows what the registry says; without it an organization is taken as active.
    const status = g?.status ? statusOfRegistration(g.status) : 'active';
    return [s.id, s.kind, q(s.orgType), q(name.name), q(name.name_enc), q(name.name_index), q(s.uscc), q(enc), q(index), q(masked), q(s.legalRepId), q(rep), q(s.regionCode), q(s.industryCode), status, ...facts].join(',');
  });
  await copy(
    'subject',
    ['id', 'kind', 'org_type', 'name', 'name_enc', 'name_index', 'uscc', 'id_number_enc', 'id_number_index', 'id_number_masked', 'legal_rep_id', 'legal_rep_name', 'region_code', 'industry_code', 'status', 'established_on', 'address', 'registration_status', 'registered_capital', 'business_scope'],
    `${lines.join('\n')}\n`,
  );
}
