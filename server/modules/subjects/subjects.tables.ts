import type { ColumnType, Generated } from 'kysely';

export type SubjectKind = 'organization' | 'person';
export type OrgType = 'enterprise' | 'individualBusiness' | 'publicInstitution' | 'socialOrganization' | 'governmentBody' | 'other';
export type SubjectStatus = 'active' | 'revoked' | 'cancelled' | 'deceased' | 'other';
export type LegacyScheme = 'regNo' | 'orgCode' | 'taxNo' | 'institutionCertNo' | 'socialOrgCertNo';

export interface SubjectTables {
  subject: {
    id: Generated<string>;
    kind: SubjectKind;
    org_type: OrgType | null;
    /** A natural person's: masked; the name itself is in name_enc (ADR 0002). */
    name: string;
    name_enc: string | null;
    name_index: string | null;
    uscc: string | null;
    id_number_enc: string | null;
    id_number_index: string | null;
    id_number_masked: string | null;
    legal_rep_id: string | null;
    /** An organization's: its representative as registration publishes it (a 个体工商户's operator masked). */
    legal_rep_name: string | null;
    region_code: string | null;
    industry_code: string | null;
    status: Generated<SubjectStatus>;
    /** An organization's registration facts as the registry gives them (migration 0016); null where not collected. */
    established_on: string | null;
    address: string | null;
    /** The registry's own wording (存续, 吊销, 注销 …); `status` is the platform's reading of it. */
    registration_status: string | null;
    /** 注册资本 in 万元 (NUMERIC: read as a string on both engines). */
    registered_capital: ColumnType<string | null, string | null | undefined, string | null>;
    business_scope: string | null;
    version: Generated<number>;
    name_tsv: ColumnType<string, never, never>;
    created_at: Generated<Date>;
    updated_at: Generated<Date>;
  };
  subject_identifier: { scheme: LegacyScheme; value: string; subject_id: string };
  subject_version: {
    subject_id: string;
    version: number;
    data: ColumnType<unknown, string, string>;
    changed_at: Generated<Date>;
    changed_by: string;
  };
}
