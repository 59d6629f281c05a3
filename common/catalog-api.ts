/**
 * What the catalog API answers with about review (审核) per information item, shared by the server
 * (whose zod response schemas are checked against these types) and the console.
 */
export interface ItemReviewView {
  itemCode: string;
  itemName: string;
  /** Whether a batch submitted now waits for the department's reviewer. */
  review: boolean;
  /** The catalog file's `review:` (absent: false), the file and the item's version. */
  default: { review: boolean; sourceFile: string; version: number };
  /** The credit office's latest setting, which overrides the default; null while never set. */
  setting: { review: boolean; reason: string; by: string; at: string } | null;
}

export interface ReviewSettingsView {
  /** The caller may switch review on or off (the credit office). */
  canChange: boolean;
  items: ItemReviewView[];
}
