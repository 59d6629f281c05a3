/**
 * The one public presenter of records (the portal, its API and exports): only publicly disclosed
 * items, only fields the catalog marks public and not personal, natural persons' names masked,
 * and for 个体工商户 the operator (a natural person) masked too. What a penalty must never show of
 * a natural person (address, contact details, ID number, bank account, health) is not in the
 * public fields of any item. Free text is scrubbed as well: departments write names, ID numbers
 * and phone numbers into 违法事实 or 备注, so a person's full name, anything shaped like an ID
 * number and mobile numbers are masked there. Records are stored with the person's name already
 * masked (ADR 0002: collection masks it at ingest, the upgrade masked older ones); masking a masked
 * name changes nothing, so this stays the last line of defence rather than the only one.
 *
 * Values read as the public reads them: an enumeration's code as its label (许可状态 1 → 有效), an
 * amount without trailing zeros and with its unit apart (14.2600 → 14.26, 万元), and the
 * department's requested end of publicity (公示截止期) not at all: the record's publicity end,
 * computed within the catalog's rule, is the one shown.
 */
import { maskIdNumber, maskMobile, maskPersonName } from '../../../common/masking.js';
import type { PublicRecord } from '../../../common/portal-api.js';
import { isFreeText, type InfoItem } from '../catalog/index.js';
import type { PublicRecordRow } from '../records/index.js';

export type PublicRecordView = PublicRecord;

export interface PublicSubjectKind {
  kind: 'organization' | 'person';
  individualBusiness: boolean;
}

const ID_LIKE = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;
const MOBILE_LIKE = /(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])/g;

/** An enumeration value's label (catalog code tables), where it differs from the value. */
export type EnumLabel = (table: string, value: string) => string | undefined;

/** Per item (a catalog version is a new object): its free-text fields and the fields the public sees. */
const shapes = new WeakMap<InfoItem, { freeText: Set<string>; shown: InfoItem['fields'] }>();

/** The fields of an item the public sees, in the catalog's order. */
export function publicFields(item: InfoItem): InfoItem['fields'] {
  return shapeOf(item).shown;
}

/** 14.260000 → 14.26; 0.5 → 0.50; 0.000123 stays: trailing zeros go, down to two decimals, nothing else. */
const AMOUNT = /^\s*-?\d+(?:\.\d*)?\s*$/;

export function amountText(value: string): string {
  const m = /^(-?\d+)(?:\.(\d*))?$/.exec(value.trim());
  if (!m) return value;
  const decimals = (m[2] ?? '').replace(/0+$/, '').padEnd(2, '0');
  return `${m[1]}.${decimals}`;
}
function shapeOf(item: InfoItem) {
  let shape = shapes.get(item);
  if (!shape) {
    shape = {
      freeText: new Set(item.fields.filter(isFreeText).map((f) => f.code)),
      shown: item.fields.filter((f) => !(f.public === false || f.personal === true || f.masking === 'idNumber' || f.masking === 'hidden' || f.code === item.publicityEndField)),
    };
    shapes.set(item, shape);
  }
  return shape;
}

/** Anything shaped like an ID number or a mobile number, masked (free text, or a name field misused). */
export function maskNumbers(text: string): string {
  return scrub(text, null);
}

function scrub(text: string, personName: string | null): string {
  let out = text.replace(ID_LIKE, (m) => maskIdNumber(m.toUpperCase())).replace(MOBILE_LIKE, (m) => maskMobile(m));
  if (personName && [...personName].length >= 2) out = out.split(personName).join(maskPersonName(personName));
  return out;
}

/**
 * `registeredSource`: the providing department's name from the registry. It is what 数据来源 shows;
 * the text a file carried is shown only for a record no registered department provided.
 * `everyField`: every public field of the item, an empty one with an empty value (a record's own
 * page shows the whole standard, so a reader sees what the department left out); lists and
 * profiles leave empty ones out.
 */
export function presentPublicRecord(
  item: InfoItem, row: PublicRecordRow, subject: PublicSubjectKind, enumLabel: EnumLabel = () => undefined, registeredSource?: string, { everyField = false }: { everyField?: boolean } = {},
): PublicRecordView | null {
  if (item.disclosure !== 'public' || row.item_code !== item.code) return null;
  // A person's record is public only where the item names persons among its subjects (the law requires it).
  if (subject.kind === 'person' && !item.subjectTypes.includes('person')) return null;
  const data = row.data;
  const person = subject.kind === 'person';
  const operator = subject.individualBusiness ? item.subjectFields.legalRepresentative : undefined;
  // The natural person named by the record (the party, or a 个体工商户's operator): masked wherever it appears.
  const nameField = person ? item.subjectFields.name : operator;
  const personName = nameField && typeof data[nameField] === 'string' ? (data[nameField] as string) : null;
  const { freeText, shown } = shapeOf(item);
  const text = (code: string | undefined) => {
    const v = code ? data[code] : undefined;
    if (v === undefined || v === null || v === '') return null;
    const s = Array.isArray(v) ? v.map(String).join('、') : String(v);
    return code && freeText.has(code) ? scrub(s, personName) : personName ? s.split(personName).join(maskPersonName(personName)) : s;
  };
  const fields: PublicRecordView['fields'] = [];
  for (const f of shown) {
    const raw = data[f.code];
    if (raw === undefined || raw === null || raw === '' || (Array.isArray(raw) && raw.length === 0)) {
      if (everyField) fields.push({ code: f.code, label: f.label, value: '' });
      continue;
    }
    const masked = f.masking === 'personName' || (f.masking === 'personNameIfPerson' && person) || f.code === operator;
    if (masked) fields.push({ code: f.code, label: f.label, value: maskPersonName(String(raw)) });
    else if (f.type === 'decimal' && AMOUNT.test(String(raw))) fields.push({ code: f.code, label: f.label, value: amountText(String(raw)), ...(f.unit ? { unit: f.unit } : {}) });
    else if (f.code === item.sourceField && registeredSource !== undefined) fields.push({ code: f.code, label: f.label, value: registeredSource });
    else if (f.type === 'enum' && f.enum && typeof raw === 'string') fields.push({ code: f.code, label: f.label, value: enumLabel(f.enum, raw) ?? (text(f.code) ?? '') });
    else fields.push({ code: f.code, label: f.label, value: text(f.code) ?? '' });
  }
  return {
    id: row.id,
    itemCode: item.code,
    itemName: item.name,
    documentNumber: row.document_number,
    decisionDate: row.decision_date,
    publicityEnd: row.publicity_end,
    source: registeredSource ?? text(item.sourceField),
    basis: text(item.basisField),
    disputed: row.disputed,
    fields,
  };
}
