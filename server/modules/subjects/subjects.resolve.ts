/**
 * Subjects from records (collection): a USCC finds or creates an organization, an ID document
 * finds or creates a natural person (ID number and name encrypted, blind-indexed, masked), and the
 * legal representative is linked, with the name the organization publishes (a 个体工商户's operator
 * masked); one named without an ID number is not linked, but the organization publishes the name.
 * Set-wise, one chunk of records at a time, inside the caller's transaction. A code
 * already registered under another name is kept as it is and reported as a data-quality warning;
 * a person's name is compared through its blind index, and warnings show names masked.
 */
import { randomUUID } from 'node:crypto';
import { maskIdNumber } from '../../../common/identifiers/index.js';
import { maskPersonName } from '../../../common/masking.js';
import type { FieldCipher } from '../../platform/crypto/index.js';
import { personNameIndex, protectPersonName, publicRepresentativeName } from './person-names.js';
import { ID_NUMBER_INDEX_DOMAIN } from './subjects.bulk.js';
import type { NewSubjectRow, SubjectsRepo } from './subjects.repo.js';
import type { OrgType } from './subjects.tables.js';

const RESIDENT_ID = '身份证';

export interface PersonClaim {
  name: string;
  idType: string;
  idNumber: string;
}

export type SubjectClaim =
  | { kind: 'organization'; name: string; uscc: string | null; individualBusiness: boolean; legalRepresentative: { name: string; idType: string | null; idNumber: string | null } | null }
  | ({ kind: 'person' } & PersonClaim);

export interface Resolution {
  /** The subject id of each claim, in order. */
  ids: string[];
  created: number;
  warnings: { index: number; message: string }[];
}

/** Entity type from the USCC's first two characters (GB 32100 Annex A). */
export function orgTypeFromUscc(uscc: string): OrgType {
  const a = uscc[0];
  const t = uscc[1];
  if (a === '9') return t === '2' ? 'individualBusiness' : t === '1' ? 'enterprise' : 'other';
  if (a === '1') return t === '1' ? 'governmentBody' : t === '2' ? 'publicInstitution' : 'other';
  if (a === '5') return 'socialOrganization';
  return 'other';
}

function maskDocument(p: PersonClaim): string {
  if (p.idType === RESIDENT_ID) return maskIdNumber(p.idNumber);
  const n = p.idNumber;
  return `${n.slice(0, 1)}${'*'.repeat(Math.max(n.length - 2, 1))}${n.slice(-1)}`;
}

export async function resolveSubjects(
  repo: SubjectsRepo,
  deps: { cipher: FieldCipher; regionName: (code: string) => string | undefined },
  claims: readonly SubjectClaim[],
  actorId: string,
): Promise<Resolution> {
  const warnings: Resolution['warnings'] = [];
  const newRows: (NewSubjectRow & { id: string })[] = [];
  // Other documents share the index with resident IDs, prefixed by their type so they never collide.
  const indexOf = (p: PersonClaim) => deps.cipher.blindIndex(p.idType === RESIDENT_ID ? p.idNumber : `${p.idType}:${p.idNumber}`, ID_NUMBER_INDEX_DOMAIN);

  // Natural persons: the subjects themselves and organizations' legal representatives.
  const persons = new Map<string, PersonClaim>();
  claims.forEach((c) => {
    if (c.kind === 'person') persons.set(indexOf(c), c);
    else if (c.legalRepresentative?.idNumber) {
      const rep = { name: c.legalRepresentative.name, idType: c.legalRepresentative.idType ?? RESIDENT_ID, idNumber: c.legalRepresentative.idNumber };
      const key = indexOf(rep);
      if (!persons.has(key)) persons.set(key, rep);
    }
  });
  // A registered person's name is compared with the row's through the blind index: the platform
  // holds no clear name to compare with, and decrypting one per row would cost more.
  const personIds = new Map<string, { id: string; masked: string; nameIndex: string | null }>();
  for (const row of await repo.byIdNumberIndexes([...persons.keys()])) personIds.set(row.id_number_index ?? '', { id: row.id, masked: maskPersonName(row.name), nameIndex: row.name_index });
  for (const [index, p] of persons) {
    if (personIds.has(index)) continue;
    const id = randomUUID();
    const region = p.idType === RESIDENT_ID && deps.regionName(p.idNumber.slice(0, 6)) ? p.idNumber.slice(0, 6) : null;
    const name = protectPersonName(deps.cipher, p.name);
    newRows.push({
      id, kind: 'person', org_type: null, ...name, uscc: null,
      id_number_enc: deps.cipher.encrypt(p.idNumber), id_number_index: index, id_number_masked: maskDocument(p),
      legal_rep_id: null, legal_rep_name: null, region_code: region, industry_code: null,
    });
    personIds.set(index, { id, masked: name.name, nameIndex: name.name_index });
  }

  // Organizations by code, then uncoded ones by exact name.
  const coded = new Map<string, { id: string; orgType: OrgType | null }>();
  const existingNames = new Map<string, string>();
  for (const row of await repo.byUsccs([...new Set(claims.flatMap((c) => (c.kind === 'organization' && c.uscc ? [c.uscc] : [])))])) {
    coded.set(row.uscc ?? '', { id: row.id, orgType: row.org_type });
    existingNames.set(row.uscc ?? '', row.name);
  }
  const uncoded = new Map<string, { id: string; orgType: OrgType | null }>();
  for (const row of await repo.uncodedOrganizationsByName([...new Set(claims.flatMap((c) => (c.kind === 'organization' && !c.uscc ? [c.name] : [])))])) uncoded.set(row.name, { id: row.id, orgType: row.org_type });

  const links: { id: string; legalRepId: string; publicName: string }[] = [];
  /** Representatives named without an ID number: the organization publishes the name all the same. */
  const named: { id: string; publicName: string }[] = [];
  const nameOnly = (id: string, orgType: OrgType | null, claim: { name: string } | null) => {
    const name = claim?.name.trim();
    // A digit is no part of a person's name: such a value (an ID number typed in the wrong
    // column) is not published as one.
    if (name && !/\p{Nd}/u.test(name)) named.push({ id, publicName: publicRepresentativeName(orgType, name) });
  };
  const ids = claims.map((c, index) => {
    if (c.kind === 'person') {
      const found = personIds.get(indexOf(c));
      if (found && found.nameIndex !== personNameIndex(deps.cipher, c.name)) {
        warnings.push({ index, message: `证件号码相同的自然人已登记为「${found.masked}」，本行为「${maskPersonName(c.name)}」，已按已登记主体关联（请核实姓名）` });
      }
      return found?.id ?? '';
    }
    const repClaim = c.legalRepresentative;
    const rep = repClaim?.idNumber ? personIds.get(indexOf({ name: repClaim.name, idType: repClaim.idType ?? RESIDENT_ID, idNumber: repClaim.idNumber })) : undefined;
    const existing = c.uscc ? coded.get(c.uscc) : uncoded.get(c.name);
    if (existing) {
      const registered = c.uscc ? existingNames.get(c.uscc) : undefined;
      if (registered !== undefined && registered !== c.name) {
        warnings.push({ index, message: `统一社会信用代码${c.uscc ?? ''}已登记为「${registered}」，本行名称为「${c.name}」（名称不一致，请核实）` });
      }
      // The name as this record gives it, which is what the organization's registration says.
      if (rep && repClaim) links.push({ id: existing.id, legalRepId: rep.id, publicName: publicRepresentativeName(existing.orgType, repClaim.name) });
      else nameOnly(existing.id, existing.orgType, repClaim);
      return existing.id;
    }
    const id = randomUUID();
    const region = c.uscc && deps.regionName(c.uscc.slice(2, 8)) ? c.uscc.slice(2, 8) : null;
    const orgType: OrgType = c.uscc ? orgTypeFromUscc(c.uscc) : c.individualBusiness ? 'individualBusiness' : 'other';
    newRows.push({
      id, kind: 'organization', org_type: orgType, name: c.name, name_enc: null, name_index: null, uscc: c.uscc,
      id_number_enc: null, id_number_index: null, id_number_masked: null, legal_rep_id: rep?.id ?? null,
      legal_rep_name: rep && repClaim ? publicRepresentativeName(orgType, repClaim.name) : null, region_code: region, industry_code: null,
    });
    if (!rep) nameOnly(id, orgType, repClaim);
    if (c.uscc) {
      coded.set(c.uscc, { id, orgType });
      existingNames.set(c.uscc, c.name);
    } else uncoded.set(c.name, { id, orgType });
    return id;
  });

  await repo.insertMany(newRows);
  await repo.addVersions(
    newRows.map((r) => ({
      subject_id: r.id,
      version: 1,
      changed_by: actorId,
      // A person's `name` is already masked; an organization's representative is not in its first snapshot.
      data: { kind: r.kind, name: r.name, uscc: r.uscc, idNumberMasked: r.id_number_masked, source: 'collection' },
    })),
  );
  await repo.linkLegalRepresentatives(links);
  // After the links: an organization linked in this chunk keeps its linked representative.
  await repo.nameUnlinkedRepresentatives(named);
  return { ids, created: newRows.length, warnings };
}
