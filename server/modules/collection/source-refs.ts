/**
 * The error workbook round trip for rows whose personal values come back masked (a natural
 * person's name and ID number, a 个体工商户's operator). The workbook never carries them whole, yet
 * the clerk should be able to correct the row's other mistake and upload the workbook as it is.
 *
 * So each row of the workbook carries, in a hidden 来源引用 column, a reference to its origin —
 * the batch and the row number in that batch's file — signed with HMAC-SM3 under a key derived
 * from the platform's key material: a clerk cannot forge one to pull another batch's values. On
 * upload, a cell that is still exactly the masked value the workbook showed for the referenced row
 * is filled from the original batch's stored (encrypted) file; a cell the clerk changed is taken
 * as typed. Only within the department that submitted the original batch, and the same item.
 * The values filled in go only to validation (which masks them again wherever they are shown) and
 * to the subject (encrypted); never to a response, a log or the audit (which counts rows).
 *
 * An original row may itself come from a corrected workbook (a row refused twice): its own
 * reference is followed, a few levels deep, so every round trip works the same way.
 */
import { timingSafeEqual } from 'node:crypto';
import { hmacSm3 } from '../../platform/crypto/index.js';
import type { InfoItem } from '../catalog/index.js';
import type { BatchRow } from './collection.repo.js';
import { REPORT_COLUMNS } from './headers.js';
import type { RowProblem } from './validate.js';

/** The reasons a reference refuses a row, by code, as the quality report names them. */
export const SOURCE_REF_PROBLEMS = {
  SOURCE_REF_INVALID: '来源引用无效',
  SOURCE_REF_OTHER_DEPARTMENT: '来源引用属于其他部门',
  SOURCE_REF_OTHER_ITEM: '来源引用属于其他信息项',
  SOURCE_REF_UNAVAILABLE: '原文件中找不到来源行',
} as const;

export interface SourceRef {
  batchId: string;
  rowNumber: number;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const REF = new RegExp(`^v1\\.(${UUID})\\.([1-9]\\d{0,6})\\.([0-9a-f]{32})$`);
/** How many corrected workbooks deep an original row's own reference is followed. */
const MAX_DEPTH = 8;

/** Signs and checks references: `v1.<batch id>.<row number>.<HMAC-SM3, 128 bits, hex>`. */
export class SourceRefs {
  constructor(private readonly key: Buffer) {}

  private mac(batchId: string, rowNumber: number): Buffer {
    return hmacSm3(this.key, `xinyong error workbook row\u0000${batchId}\u0000${rowNumber}`).subarray(0, 16);
  }

  sign(batchId: string, rowNumber: number): string {
    return `v1.${batchId}.${rowNumber}.${this.mac(batchId, rowNumber).toString('hex')}`;
  }

  /** The reference a cell holds, or null when it is not one this platform signed. */
  verify(text: string): SourceRef | null {
    const m = REF.exec(text.trim().toLowerCase());
    if (!m) return null;
    const batchId = m[1] as string;
    const rowNumber = Number(m[2]);
    const given = Buffer.from(m[3] as string, 'hex');
    return timingSafeEqual(given, this.mac(batchId, rowNumber)) ? { batchId, rowNumber } : null;
  }
}

/** A row of a stored file: its fields by code and its own 来源引用 ('' when it has none). */
export interface OriginRow {
  fields: Record<string, string>;
  ref: string;
}

export interface FillerDeps {
  refs: SourceRefs;
  /** The item being imported, and the department importing it. */
  item: InfoItem;
  departmentId: string;
  batch: (id: string) => Promise<BatchRow | undefined>;
  itemName: (code: string) => string;
  /** Rejected rows of a batch as its error workbook shows them (masked), by row number. */
  shown: (batchId: string, rows: readonly number[]) => Promise<Map<number, Record<string, string>>>;
  /** Rows of a batch's stored file, by row number; rows (or a file) not found are absent. */
  read: (batch: BatchRow, rows: ReadonlySet<number>) => Promise<Map<number, OriginRow>>;
}

export interface Filled {
  fields: Record<string, string>;
  /** Why the reference refuses the row (empty: it does not). */
  problems: RowProblem[];
  /** The batch a masked cell was filled from, or null when nothing was filled. */
  from: string | null;
}

/** For one origin row: per field, the masked value the workbook showed and the original. */
type Restorable = Map<string, { shown: string; original: string }>;

/**
 * Fills the masked cells of one upload. Announce every reference first (`want`, a pass over the
 * upload), then `fill` row by row: each original file is decrypted and read once for all the rows
 * wanted of it, and only the masked fields of those rows are kept.
 */
export class MaskedCellFiller {
  private readonly wanted = new Map<string, Set<number>>();
  private readonly origins = new Map<string, Map<number, Restorable | null>>();
  private readonly batches = new Map<string, Promise<BatchRow | undefined>>();
  private readonly personal: string[];

  constructor(private readonly deps: FillerDeps) {
    this.personal = deps.item.fields.filter((f) => f.personal === true || (f.masking !== undefined && f.masking !== 'none')).map((f) => f.code);
  }

  want(text: string): void {
    const ref = this.deps.refs.verify(text);
    if (!ref) return;
    const rows = this.wanted.get(ref.batchId);
    if (rows) rows.add(ref.rowNumber);
    else this.wanted.set(ref.batchId, new Set([ref.rowNumber]));
  }

  async fill(fields: Record<string, string>, text: string, depth = 0): Promise<Filled> {
    if (text.trim() === '') return { fields, problems: [], from: null };
    const ref = this.deps.refs.verify(text);
    // A bad reference matters only where a masked value is left to fill.
    const masked = this.personal.some((c) => fields[c]?.includes('*'));
    if (!ref) {
      return { fields, from: null, problems: masked ? [refProblem('SOURCE_REF_INVALID', `「${REF_LABEL}」列中本行的引用不是平台为本行生成的（已被改动，或从其他文件复制而来），本行遮盖的个人信息不能按原文件填回：请重新下载错误报告改正后上传，或填写完整的原始信息`)] : [] };
    }
    const origin = await this.batch(ref.batchId);
    if (origin && origin.department_id !== this.deps.departmentId) {
      return { fields, from: null, problems: [refProblem('SOURCE_REF_OTHER_DEPARTMENT', `本行来自其他部门的错误报告（「${REF_LABEL}」指向其他部门报送的批次），不予导入：只能上传本部门下载的错误报告，其他部门的原始信息不会填回`)] };
    }
    if (origin && origin.item_code !== this.deps.item.code) {
      const name = this.deps.itemName(origin.item_code);
      return { fields, from: null, problems: [refProblem('SOURCE_REF_OTHER_ITEM', `本行来自「${name}」(${origin.item_code})的错误报告，不是「${this.deps.item.name}」(${this.deps.item.code})的，不予导入：请在报送「${name}」时上传`)] };
    }
    const restorable = origin ? await this.restorable(origin, ref.rowNumber, depth) : null;
    if (!origin || !restorable) {
      return { fields, from: null, problems: masked ? [refProblem('SOURCE_REF_UNAVAILABLE', `「${REF_LABEL}」指向的原文件或其中的第${ref.rowNumber}行已不在平台上，本行遮盖的个人信息不能填回：请填写完整的原始信息`)] : [] };
    }
    let from: string | null = null;
    const out = { ...fields };
    for (const [code, v] of restorable) {
      if (out[code] !== v.shown) continue; // changed by the clerk (or emptied): taken as typed
      out[code] = v.original;
      from = origin.id;
    }
    return { fields: out, problems: [], from };
  }

  private batch(id: string): Promise<BatchRow | undefined> {
    let b = this.batches.get(id);
    if (!b) {
      b = this.deps.batch(id);
      this.batches.set(id, b);
    }
    return b;
  }

  private async restorable(batch: BatchRow, rowNumber: number, depth: number): Promise<Restorable | null> {
    let known = this.origins.get(batch.id);
    if (!known) {
      known = new Map();
      this.origins.set(batch.id, known);
    }
    if (known.has(rowNumber)) return known.get(rowNumber) ?? null;
    if (depth >= MAX_DEPTH) return null;
    const rows = new Set([...(this.wanted.get(batch.id) ?? [])].filter((r) => !known.has(r)));
    rows.add(rowNumber);
    const [file, shown] = await Promise.all([this.deps.read(batch, rows), this.deps.shown(batch.id, [...rows])]);
    // The original rows may come from a corrected workbook themselves: their references are
    // announced before any is followed, so each file further back is read once too.
    for (const r of rows) {
      const o = file.get(r);
      if (o?.ref) this.want(o.ref);
    }
    for (const r of rows) {
      const o = file.get(r);
      const s = shown.get(r);
      if (!o || !s) {
        known.set(r, null);
        continue;
      }
      const original = o.ref ? (await this.fill(o.fields, o.ref, depth + 1)).fields : o.fields;
      const restorable: Restorable = new Map();
      for (const [code, value] of Object.entries(s)) {
        const was = original[code] ?? '';
        // Only masks: a value the workbook showed otherwise (an invisible character made visible,
        // the data source filled in) is the clerk's to correct.
        if (value.includes('*') && value.trim() !== was && was !== '') restorable.set(code, { shown: value.trim(), original: was });
      }
      known.set(r, restorable);
    }
    return known.get(rowNumber) ?? null;
  }
}

const REF_LABEL = REPORT_COLUMNS.source;

function refProblem(code: keyof typeof SOURCE_REF_PROBLEMS, message: string): RowProblem {
  return { field: null, label: null, value: null, code, message };
}
