/**
 * For the row validator's tests: the catalog as shipped (items, code tables, regions) and a
 * validator for one item, as collection builds it for a department's batch.
 */
import assert from 'node:assert/strict';
import { readCatalog, type InfoItem } from '../catalog/index.js';
import { makeUscc } from '../../../test/fixtures.js';
import { rowValidator } from './validate.js';

const { bundle } = readCatalog();

export function item(code: string): InfoItem {
  const found = bundle.infoItems.find((i) => i.value.code === code)?.value;
  assert.ok(found, code);
  return found;
}

export const regions = new Map(bundle.regions.map((r) => [r.code, r.name]));
export const tables = new Map(bundle.codeTables.map((t) => [t.value.code, t.value]));
export const PROVIDER = makeUscc('11', '350100', 4242);
export const PROVIDER_NAME = '福州市市场监督管理局';

/** The validator of `code` for the department PROVIDER, as of 2026-11-21. */
export const validator = (code: string, departmentUscc = PROVIDER) =>
  rowValidator({ item: item(code), codeTables: (c) => tables.get(c), regionName: (c) => regions.get(c), today: '2026-11-21', departmentUscc, departmentName: PROVIDER_NAME });
