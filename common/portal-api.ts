/** Answers of the portal's open API (`/api/public/v1`): the server's schemas are checked against these; the portal imports them. */

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

export interface SubjectProfile {
  subject: PublicSubject;
  usccParts: Record<string, unknown> | null;
  permits: RecordTab;
  penalties: RecordTab;
  redList: RecordTab;
  watchList: RecordTab;
  seriousList: RecordTab;
}

export interface SubjectSearchResult {
  items: PublicSubject[];
  total: number;
  /** More than 10 000 match a broad text: `total` is then a lower bound (「10000个以上」). */
  totalCapped: boolean;
}

export interface PublicityResult {
  items: (PublicRecord & { subject: { name: string; uscc: string | null } })[];
  total: number;
}

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
