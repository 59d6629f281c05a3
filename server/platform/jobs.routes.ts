/**
 * 后台任务 over HTTP: the failed jobs (GET /api/v1/jobs/failed) and a retry of one
 * (POST /api/v1/jobs/:id/retry, audited in the same transaction through `onRetry`). The system
 * administrator runs the platform, the credit office runs collection: both see and retry.
 */
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { jobKindLabel, type FailedJobList, type FailedJobView, type JobRetryResult } from '../../common/jobs-api.js';
import { AppError } from './errors.js';
import { errorResponses } from './http-schemas.js';
import type { JobRow, JobRunner, JobTables } from './jobs.js';

export interface JobRouteDeps {
  jobs: JobRunner;
  /** Writes the audit row of a retry inside its transaction. */
  onRetry: (trx: Kysely<JobTables>, req: FastifyRequest, job: JobRow, outcome: 'queued' | 'superseded') => Promise<void>;
}

const scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
const failedJob = z.object({
  id: z.number().int(),
  kind: z.string(),
  kindLabel: z.string(),
  payload: z.record(z.string(), scalar),
  dueAt: z.string(),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  failedAt: z.string(),
}) satisfies z.ZodType<FailedJobView>;
const failedList = z.object({ total: z.number().int(), items: z.array(failedJob) }) satisfies z.ZodType<FailedJobList>;
const retryResult = z.object({ id: z.number().int(), outcome: z.enum(['queued', 'superseded']) }) satisfies z.ZodType<JobRetryResult>;

export function jobRoutes(deps: JobRouteDeps): FastifyPluginAsyncZod {
  const { jobs } = deps;
  const present = (j: JobRow): FailedJobView => ({
    id: j.id,
    kind: j.kind,
    kindLabel: jobKindLabel(j.kind),
    payload: (j.payload ?? {}) as FailedJobView['payload'],
    dueAt: j.due_at.toISOString(),
    attempts: j.attempts,
    maxAttempts: jobs.maxAttempts(j),
    lastError: j.last_error,
    createdAt: j.created_at.toISOString(),
    failedAt: j.updated_at.toISOString(),
  });
  return async (app) => {
    const policy = { policy: { roles: ['sysAdmin', 'creditOffice'] as const } };
    app.get(
      '/api/v1/jobs/failed',
      {
        config: policy,
        schema: {
          tags: ['jobs'],
          summary: '失败的后台任务（重试次数用尽后停下的导入、公示期届满下线等），最近失败的在前',
          querystring: z.object({ page: z.coerce.number().int().min(1).max(1000).default(1), pageSize: z.coerce.number().int().min(1).max(100).default(20) }),
          response: { 200: failedList, ...errorResponses },
        },
      },
      async (req) => {
        const { total, rows } = await jobs.failedJobs(req.query.pageSize, (req.query.page - 1) * req.query.pageSize);
        return { total, items: rows.map(present) };
      },
    );

    app.post(
      '/api/v1/jobs/:id/retry',
      {
        config: policy,
        schema: {
          tags: ['jobs'],
          summary: '重试一个失败的后台任务：立即重新排队，尝试次数重新计算（记入审计日志）',
          params: z.object({ id: z.coerce.number().int().min(1).max(Number.MAX_SAFE_INTEGER) }),
          body: z.object({}).optional(),
          response: { 200: retryResult, ...errorResponses },
        },
      },
      async (req) => {
        const done = await jobs.retry(req.params.id, (trx, job, outcome) => deps.onRetry(trx, req, job, outcome));
        if (!done) throw new AppError('NOT_FOUND', { jobId: req.params.id }, `没有编号为${req.params.id}的失败任务：它可能已被他人重试，请刷新列表`);
        return { id: done.job.id, outcome: done.outcome };
      },
    );
  };
}
