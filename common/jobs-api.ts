/** 后台任务: the failed jobs the console lists (GET /api/v1/jobs/failed) and retries. */

/** Every job kind the platform runs, in words (the console shows these; the code beside them). */
export const JOB_KIND_LABELS: Readonly<Record<string, string>> = {
  import: '数据导入',
  'publicity.end': '公示期届满下线',
  'imports.orphans': '清理遗留上传文件',
  'audit.purge': '审计日志到期清理',
  'portal.profiles': '生成门户信用主体页面',
};

export const jobKindLabel = (kind: string): string => JOB_KIND_LABELS[kind] ?? kind;

export interface FailedJobView {
  id: number;
  kind: string;
  /** The kind in words. */
  kindLabel: string;
  /** Ids only (a batch id for an import): never personal data. */
  payload: Record<string, string | number | boolean | null>;
  /** When it was last due (ISO). */
  dueAt: string;
  attempts: number;
  maxAttempts: number;
  /** The last error's message (no data, no stack). */
  lastError: string | null;
  createdAt: string;
  failedAt: string;
}

export interface FailedJobList {
  total: number;
  items: FailedJobView[];
}

export interface JobRetryResult {
  id: number;
  /** queued: due now again; superseded: a job with the same key already waits and does the work. */
  outcome: 'queued' | 'superseded';
}
