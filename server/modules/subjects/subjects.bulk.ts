/**
 * COPY path for bulk subject loads (demo and benchmark data). Callers pass identifiers already
 * validated; ID numbers are encrypted and indexed here exactly as the service does.
 */
import { maskIdNumber } from '../../../common/identifiers/index.js';
import type { FieldCipher } from '../../platform/crypto/index.js';
import type { OrgType } from './subjects.tables.js';

type CopyCsv = (table: string, columns: string[], csv: string) => Promise<void>;

/** Blind-index domain of ID numbers; shared with the service so both paths index alike. */
export const ID_NUMBER_INDEX_DOMAIN = 'idNumber';

export interface BulkSubject {
  id: string;
  kind: 'organization' | 'person';
  orgType: OrgType | null;
  name: string;
  uscc: string | null;
  idNumber: string | null;
  legalRepId: string | null;
  regionCode: string | null;
  industryCode: string | null;
}

const q = (v: string | null) => (v === null ? '' : `"${v.replace(/"/g, '""')}"`);

export async function copySubjects(copy: CopyCsv, cipher: FieldCipher, rows: BulkSubject[]): Promise<void> {
  const lines = rows.map((s) => {
    const enc = s.idNumber ? cipher.encrypt(s.idNumber) : null;
    const index = s.idNumber ? cipher.blindIndex(s.idNumber, ID_NUMBER_INDEX_DOMAIN) : null;
    const masked = s.idNumber ? maskIdNumber(s.idNumber) : null;
    return [s.id, s.kind, q(s.orgType), q(s.name), q(s.uscc), q(enc), q(index), q(masked), q(s.legalRepId), q(s.regionCode), q(s.industryCode)].join(',');
  });
  await copy(
    'subject',
    ['id', 'kind', 'org_type', 'name', 'uscc', 'id_number_enc', 'id_number_index', 'id_number_masked', 'legal_rep_id', 'region_code', 'industry_code'],
    `${lines.join('\n')}\n`,
  );
}
