/**
 * The edge check every request passes before its schema: no control, invisible or invalid
 * character in a query parameter, a path parameter or any string (or key) of a JSON body. A NUL
 * would otherwise reach PostgreSQL and fail there as a 500; a right-to-left override would be
 * stored and shown as another name (common/text.ts says which characters and why).
 *
 * A route whose body carries rows that are validated one by one (the collection API's records)
 * names those properties in `config.rowsInBody`: one bad value there is that row's problem,
 * reported with the row, not a refusal of the whole request.
 */
import type { FastifyRequest } from 'fastify';
import { findUnsafeCharacter, limitText, revealUnsafe, unsafeReason } from '../../common/text.js';
import { AppError } from './errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Top-level body properties holding rows the route validates row by row. */
    rowsInBody?: readonly string[];
  }
}

const WHERE = { querystring: '查询参数', params: '路径参数', body: '请求内容' } as const;

interface Found {
  in: keyof typeof WHERE;
  path: string;
  reason: string;
}

/** Walks without recursion: a body may be nested deeper than the stack is. */
function scan(value: unknown, where: keyof typeof WHERE, multiline: boolean, skip: readonly string[]): Found | null {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [v, path] = stack.pop() as [unknown, string];
    if (typeof v === 'string') {
      const u = findUnsafeCharacter(v, multiline);
      if (u) return { in: where, path: path || '/', reason: unsafeReason(u) };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}/${i}`]);
    } else if (v !== null && typeof v === 'object' && !Buffer.isBuffer(v) && typeof (v as { pipe?: unknown }).pipe !== 'function') {
      for (const [k, x] of Object.entries(v)) {
        if (path === '' && skip.includes(k)) continue;
        const u = findUnsafeCharacter(k);
        // The key is quoted as a reader can see it: the offending character shown, the length bounded.
        if (u) return { in: where, path: `${path}/${limitText(revealUnsafe(k), 60)}`, reason: `名称${unsafeReason(u)}` };
        stack.push([x, `${path}/${k}`]);
      }
    }
  }
  return null;
}

/** preValidation: refuses the request naming where the character is and what it is. */
export async function guardInput(req: FastifyRequest): Promise<void> {
  const skip = req.routeOptions.config?.rowsInBody ?? [];
  const found = scan(req.query, 'querystring', false, []) ?? scan(req.params, 'params', false, []) ?? scan(req.body, 'body', true, skip);
  if (!found) return;
  const name = found.path.replace(/^\//, '') || '内容';
  throw new AppError('INPUT_UNSAFE_CHARACTER', [{ in: found.in, path: found.path, message: found.reason }], `${WHERE[found.in]}「${name}」的${found.reason}`);
}
