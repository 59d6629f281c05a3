/**
 * Region names for departments (GB/T 2260, catalog/regions.csv). The platform can hand over the
 * catalog service's own lookup (`IdentityService.useRegions`); otherwise the catalog's files are
 * read once per process, through the catalog module's public surface, on the first department read.
 */
import type { RegionLookup } from '../../../common/identifiers/index.js';
import { readCatalog } from '../catalog/index.js';

export type { RegionLookup };

let names: Map<string, string> | undefined;

export const regionsFromCatalogFiles: RegionLookup = (code) => {
  names ??= new Map(readCatalog().bundle.regions.map((r) => [r.code, r.name]));
  return names.get(code);
};
