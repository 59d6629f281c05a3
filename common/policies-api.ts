/**
 * What the catalog's 政策法规 API (`/api/v1/catalog/policies`) answers with: the legal instruments of
 * catalog/legal-instruments.yaml, each with its standing and what in the catalog rests on it. The
 * server's response schemas are checked against these types; the portal imports them.
 */

export type PolicyLevel = 'law' | 'administrativeRegulation' | 'judicialInterpretation' | 'departmentalRule' | 'policyDocument' | 'nationalStandard' | 'localRegulation';

/** 时效性: 现行有效, 尚未施行 (its effective date is still to come), 已修改, 已废止. */
export type PolicyStatus = 'inForce' | 'notYetInForce' | 'amended' | 'repealed';

export type PolicyLinkKind = 'infoItem' | 'measure' | 'listType' | 'periodRule' | 'timeLimit';

export interface PolicyRef {
  code: string;
  title: string;
}

export interface PolicySummary {
  code: string;
  title: string;
  issuer: string;
  /** 文号 (国务院令第722号, 国办发〔2020〕49号); null for most laws. */
  number: string | null;
  level: PolicyLevel;
  /** The text the catalog cites (2021年修订). */
  version: string;
  effectiveDate: string;
  status: PolicyStatus;
  /** verified: checked in the cited source; recalled: to be confirmed before relying on it. */
  verification: 'verified' | 'recalled';
  note: string | null;
  /** The instrument that amended or repealed this one. */
  replacedBy: PolicyRef | null;
  /** How many catalog entries of each kind rest on it. */
  counts: Record<PolicyLinkKind, number>;
}

/** A catalog entry resting on an instrument, with the articles it cites (none: the instrument as a whole). */
export interface PolicyLink {
  kind: PolicyLinkKind;
  code: string;
  name: string;
  articles: string[];
}

export interface PolicyDetail extends PolicySummary {
  /** Instruments this one amended or repealed. */
  replaces: PolicyRef[];
  /** The articles the catalog cites, in the instrument's order, each with what rests on it. */
  articles: { article: string; citedBy: PolicyLink[] }[];
  citedBy: PolicyLink[];
}

export interface PolicyList {
  items: PolicySummary[];
  total: number;
  /** Counts per level among the instruments the search matches (before the level filter). */
  levels: { level: PolicyLevel; count: number }[];
}
