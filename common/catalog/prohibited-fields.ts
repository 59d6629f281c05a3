/**
 * Personal information a credit platform must never collect (seed 001 §14; 国办发〔2020〕49号):
 * religion, genes, fingerprints, blood type, illness and medical history. A catalog field whose
 * code or label names one of these is refused when the catalog loads. This is a legal floor,
 * so it lives in code, not in editable catalog data.
 */
const LABEL_TERMS = ['宗教', '信仰', '基因', 'DNA', '指纹', '血型', '疾病', '病史', '病历', '病情', '诊断', '病症', '患病', '既往史', '遗传'];

// Codes are matched word by word (split on _ and camelCase) so 'GENERAL' never matches 'gene'.
const CODE_WORDS = new Set([
  'religion', 'religious', 'belief', 'faith', 'gene', 'genes', 'genetic', 'genome', 'dna', 'fingerprint', 'fingerprints',
  'blood', 'bloodtype', 'disease', 'diseases', 'illness', 'medical', 'diagnosis', 'sickness',
  // pinyin spellings used in some provincial codes
  'zjxy', 'zongjiao', 'xinyang', 'jiyin', 'zhiwen', 'xuexing', 'jibing', 'bingshi', 'bingli',
]);

// Pinyin written together (ZONGJIAOXINYANG) is matched inside words. 信仰 'xinyang' is left out
// here because it is also 信阳, a city name.
const PINYIN_INSIDE = ['zongjiao', 'jiyin', 'zhiwen', 'xuexing', 'jibing', 'bingshi', 'bingli'];

/** Returns the term that makes the field prohibited, or null. */
export function prohibitedTerm(code: string, label: string): string | null {
  const upperLabel = label.toUpperCase();
  for (const term of LABEL_TERMS) if (upperLabel.includes(term)) return term;
  const words = code
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  for (const w of words) if (CODE_WORDS.has(w)) return w;
  for (const w of words) for (const p of PINYIN_INSIDE) if (w.includes(p)) return p;
  return null;
}
