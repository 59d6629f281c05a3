import type { Generated } from 'kysely';

export interface PortalTables {
  /** Organizations' profiles as sent (migration 0025, public-profiles.ts). */
  public_profile: {
    subject_id: string;
    /** Raised by the database's triggers in the transaction of every change the profile shows. */
    generation: Generated<string>;
    built_generation: string | null;
    answer: string | null;
    tag: string | null;
    basis: string | null;
    valid_from: string | null;
    valid_until: string | null;
    built_at: Date | null;
  };
}
