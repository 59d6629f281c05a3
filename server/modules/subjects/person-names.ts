/**
 * How a natural person's name is kept (docs/adr/0002-natural-person-names-encrypted.md): the
 * `name` column holds the masked name, `name_enc` the SM4 ciphertext (encrypt-then-MAC, like ID
 * numbers) and `name_index` an HMAC-SM3 blind index for a staff search by exact name. Every path
 * that writes a person (the staff API, collection, the demo's COPY loader, the upgrade of older
 * databases) goes through `protectPersonName`, so they index and mask alike.
 */
import { maskPersonName } from '../../../common/masking.js';
import { normalizeName } from '../../../common/text.js';
import type { FieldCipher } from '../../platform/crypto/index.js';
import type { OrgType } from './subjects.tables.js';

/** Blind-index domain of persons' names: the same name never indexes like an ID number. */
export const PERSON_NAME_INDEX_DOMAIN = 'personName';

/**
 * What the blind index is computed over: the name as stored (NFKC, one line), without spaces —
 * 「张 三」 and 「张三」, 「ＪＯＨＮ」 and 「JOHN」 are one name. Nothing looser: the index finds exact
 * names only, by design (a partial name must not enumerate persons).
 */
export function personNameKey(name: string): string {
  return normalizeName(name).replace(/ /g, '');
}

export interface ProtectedName {
  /** Masked (张*, 欧阳**): what lists, snapshots and the portal show without a stated purpose. */
  name: string;
  name_enc: string;
  name_index: string;
}

export function personNameIndex(cipher: FieldCipher, name: string): string {
  return cipher.blindIndex(personNameKey(name), PERSON_NAME_INDEX_DOMAIN);
}

export function protectPersonName(cipher: FieldCipher, name: string): ProtectedName {
  const normalized = normalizeName(name);
  return { name: maskPersonName(normalized), name_enc: cipher.encrypt(normalized), name_index: personNameIndex(cipher, normalized) };
}

/**
 * A person's name for a read that needs it whole (a staff read with a registered purpose): the
 * ciphertext decrypted; a row not yet converted (`name_enc` null) still holds it in `name`.
 */
export function clearPersonName(cipher: FieldCipher, row: { name: string; name_enc: string | null }): string {
  return row.name_enc ? cipher.decrypt(row.name_enc) : row.name;
}

/**
 * An organization's legal representative as its registration publishes it: a company's in clear
 * (企业信息公示暂行条例; 信用中国 shows it), a 个体工商户's operator — a natural person in business on
 * their own account — masked, at rest as on the portal.
 */
export function publicRepresentativeName(orgType: OrgType | null, clearName: string): string {
  return orgType === 'individualBusiness' ? maskPersonName(clearName) : clearName;
}
