export type CodeKind = 'uscc' | 'id';

/** One failed rule. `position` is 1-based and names the first character concerned. */
export interface CodeIssue {
  code: string;
  message: string;
  position?: number;
}

export interface UsccParts {
  registrationAuthority: { code: string; name: string };
  entityType: { code: string; name: string };
  region: { code: string; name: string | null };
  organizationCode: string;
  checkCharacter: string;
}

export interface IdNumberParts {
  region: { code: string; name: string | null };
  birthDate: string;
  sequence: string;
  sex: 'male' | 'female';
  checkCharacter: string;
  /** Present when a 15-digit legacy number was converted. */
  convertedFrom15?: boolean;
}

export interface CodeValidation<P> {
  valid: boolean;
  kind: CodeKind;
  normalized: string;
  parts: P | null;
  errors: CodeIssue[];
  warnings: CodeIssue[];
}

/** Region lookup is injected so the validators stay free of I/O (they run in the browser too). */
export type RegionLookup = (code: string) => string | undefined;
