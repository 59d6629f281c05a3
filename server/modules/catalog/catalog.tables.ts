import type { ColumnType, Generated } from 'kysely';

export type CatalogKind = 'infoItem' | 'measure' | 'listType' | 'legalInstrument' | 'periodRule' | 'timeLimit' | 'codeTable';

export interface CatalogTables {
  catalog_entry: {
    kind: CatalogKind;
    code: string;
    version: number;
    content: ColumnType<unknown, string, string>;
    content_hash: string;
    source_file: string;
    loaded_at: Generated<Date>;
    superseded_at: Date | null;
  };
  calendar_year: {
    year: number;
    notice: string;
    notice_date: string | null;
    verified: boolean;
    source_file: string;
    loaded_at: Generated<Date>;
  };
  calendar_day: { day: string; year: number; kind: 'off' | 'work'; holiday: string };
  region: { code: string; name: string; level: string; parent: string | null };
  /** The credit office's review settings per information item, only ever added to (migration 0014). */
  info_item_review: {
    id: Generated<number>;
    item_code: string;
    review: boolean;
    reason: string;
    set_by: string;
    set_by_name: string;
    set_by_display: string;
    set_at: Date;
  };
}
