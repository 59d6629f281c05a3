/** Answers of the portal's open API (`/api/public/v1`): the server's schemas are checked against these; the portal imports them. */
import type { CodeIssue, UsccParts } from './identifiers/types.js';

export interface PublicSubject {
  id: string;
  kind: 'organization' | 'person';
  orgType: string | null;
  name: string;
  uscc: string | null;
  /** A company's legal representative; a 个体工商户's operator masked. */
  legalRepresentative: { name: string } | null;
  region: { code: string; name: string | null } | null;
  industry: { code: string; name: string | null } | null;
  status: string;
}

export interface PublicRecord {
  id: string;
  itemCode: string;
  itemName: string;
  documentNumber: string;
  decisionDate: string;
  /** Last day of publicity; null while a permit is valid without end (长期). */
  publicityEnd: string | null;
  /** The unit the data came from (数据来源单位). */
  source: string | null;
  /** The record's own legal basis (处罚依据) where the item has one. */
  basis: string | null;
  /** An objection is being handled (异议处理中): set by the objections issue; false until then. */
  disputed: boolean;
  /** Public fields as read: enumerations by label; amounts without trailing zeros, their unit (万元) apart. */
  fields: { code: string; label: string; value: string; unit?: string }[];
}

export interface RecordTab {
  total: number;
  items: PublicRecord[];
}

/** An organization's registration facts as the platform holds them; null where not collected (never guessed). */
export interface RegistrationFacts {
  /** 成立日期 (YYYY-MM-DD). */
  establishmentDate: string | null;
  /** 住所. */
  address: string | null;
  /** 登记状态, in the registry's words (存续, 吊销, 注销 …). */
  status: string | null;
  /** 注册资本 in 万元, without trailing zeros. */
  registeredCapital: string | null;
  /** 经营范围. */
  businessScope: string | null;
}

export interface SubjectProfile {
  subject: PublicSubject;
  usccParts: Record<string, unknown> | null;
  registration: RegistrationFacts;
  permits: RecordTab;
  penalties: RecordTab;
}

/**
 * What an organization has in publicity now, as a search result shows it (「行政处罚 2 条」): only
 * kinds with a count, in this order; the same visibility as the profile's tabs. List kinds
 * (redList, watchList, seriousList) join once lists exist.
 */
export interface CreditMarker {
  kind: 'permits' | 'penalties';
  count: number;
}

export interface SubjectSearchHit extends PublicSubject {
  markers: CreditMarker[];
}

/** The code check of a search text meant as a USCC (full-width accepted); null for a name. */
export interface SearchCodeCheck {
  /** As read: full-width to half-width, spaces and hyphens dropped, upper case. */
  normalized: string;
  valid: boolean;
  /** Each failed rule, with the position it concerns (「第18位校验码应为3，实际为4」). */
  errors: CodeIssue[];
  /** A valid code's parts: registration authority, entity type, region. */
  parts: UsccParts | null;
  /** An organization with this code is on the platform: its profile can be opened. */
  registered: boolean;
}

export interface SubjectSearchResult {
  items: SubjectSearchHit[];
  total: number;
  /** More than 10 000 match a broad text: `total` is then a lower bound (「10000个以上」). */
  totalCapped: boolean;
  code: SearchCodeCheck | null;
}

export interface PublicityResult {
  items: (PublicRecord & { subject: { name: string; uscc: string | null } })[];
  total: number;
}

/**
 * One 双公示 record as its own page shows it (GET /api/public/v1/publicity/{kind}/{id}): `fields`
 * holds every public field of the item's standard, in the catalog's order, an empty one with ''.
 */
export type PublicityRecord = PublicityResult['items'][number];

/** The portal home's headline figures (kept five minutes on the server). */
export interface PortalStatistics {
  asOf: string;
  organizations: number;
  inPublicity: { permits: number; penalties: number };
  /** Records that became public this month. */
  publishedThisMonth: number;
  /** The ten departments with most records in publicity. */
  byDepartment: { name: string; permits: number; penalties: number }[];
}

/** A department (public authority) as the 双公示 filter lists it. */
export interface PublicDepartment {
  id: string;
  name: string;
}

/** A region organizations are registered in, for the search filter. */
export interface PublicRegion {
  code: string;
  name: string;
  /** Organizations registered there. */
  count: number;
}
