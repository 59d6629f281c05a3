import type { Generated } from 'kysely';
import type { NoticeStatus } from './notices.workflow.js';

/** Migration 0017. Only notices.repo.ts touches these tables. */
export interface NoticeTables {
  notice: {
    id: Generated<string>;
    title: string;
    body: string;
    status: NoticeStatus;
    version: Generated<number>;
    created_by: string;
    created_by_name: string;
    created_at: Date;
    updated_at: Date;
    updated_by_name: string;
    published_at: Date | null;
    published_by_name: string | null;
    withdrawn_at: Date | null;
    withdrawn_by_name: string | null;
    withdraw_reason: string | null;
  };
  notice_attachment: {
    id: Generated<string>;
    notice_id: string;
    file_id: string;
    name: string;
    media_type: string;
    size: number;
    created_at: Date;
  };
}
