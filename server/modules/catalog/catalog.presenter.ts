/**
 * The only way catalog entries leave the module: each entry with its version and source, and
 * every legal-basis reference resolved to its instrument (title, number, issuer, version,
 * effective date). The stricter verification mark of reference and instrument wins, so an
 * officer sees which bases still need checking.
 */
import { classificationOfDisclosure } from '../../../common/classification.js';
import type { LegalInstrument } from './catalog.schema.js';
import type { ItemReview, Versioned } from './catalog.service.js';

type BasisRef = { instrument: string; article?: string; verification?: 'verified' | 'recalled'; note?: string };

export function entryPresenter(instrument: (code: string) => LegalInstrument | undefined) {
  const resolveBasis = (refs: BasisRef[]) =>
    refs.map((ref) => {
      const inst = instrument(ref.instrument);
      const marks = [ref.verification, inst?.verification];
      return {
        instrument: ref.instrument,
        title: inst?.title ?? null,
        number: inst?.number ?? null,
        issuer: inst?.issuer ?? null,
        level: inst?.level ?? null,
        version: inst?.version ?? null,
        effectiveDate: inst?.effectiveDate ?? null,
        article: ref.article ?? null,
        verification: marks.includes('recalled') ? ('recalled' as const) : ('verified' as const),
        note: ref.note ?? inst?.note ?? null,
      };
    });

  return (e: Versioned<unknown>) => {
    const content = e.content as Record<string, unknown>;
    const basis = Array.isArray(content.basis) ? resolveBasis(content.basis as BasisRef[]) : undefined;
    // An information item states how its records may be disclosed: that is their classification.
    const classification = typeof content.disclosure === 'string' ? { recordClassification: classificationOfDisclosure(content.disclosure as 'public') } : {};
    return { code: String(content.code ?? ''), version: e.version, loadedAt: e.loadedAt.toISOString(), sourceFile: e.sourceFile, content, ...classification, ...(basis ? { basis } : {}) };
  };
}

/**
 * An item's review setting as staff see it: the result, the catalog file's default with its source
 * (catalog/…), and the credit office's setting with who made it, when and why.
 */
export function reviewPresenter(r: ItemReview) {
  return {
    itemCode: r.itemCode,
    itemName: r.itemName,
    review: r.review,
    default: { review: r.default.review, sourceFile: `catalog/${r.default.sourceFile}`, version: r.default.version },
    setting: r.setting ? { review: r.setting.review, reason: r.setting.reason, by: r.setting.by, at: r.setting.at.toISOString() } : null,
  };
}
