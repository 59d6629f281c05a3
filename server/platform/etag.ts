/**
 * Conditional GET for public answers (RFC 9110 §8.8.3, §13.1.2): an ETag computed from the body as
 * sent, and If-None-Match evaluated as the RFC says — `*`, or a list of entity tags compared weakly
 * (`W/"x"` and `"x"` match; the opaque tags must be equal character for character). Every route
 * that answers with an ETag uses these, so a browser or proxy revalidating with any valid field
 * value gets its 304.
 */
import { hash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** A weak ETag for a body: the hash of the bytes as sent (it changes exactly when the answer does). */
export function weakTag(body: string): string {
  return `W/"${hash('sha256', body, 'base64url').slice(0, 27)}"`;
}

/**
 * The entity tags an If-None-Match value lists (without their `W/`), `'*'` for the wildcard, or
 * undefined when the value is not a valid field value (RFC 9110: `"*" / #entity-tag`), which then
 * matches nothing. A repeated header arrives joined with commas, which the list syntax allows.
 */
export function parseIfNoneMatch(value: string): string[] | '*' | undefined {
  const v = value.trim();
  if (v === '*') return '*';
  const tags: string[] = [];
  let i = 0;
  const skip = () => {
    while (i < v.length && (v[i] === ' ' || v[i] === '\t')) i++;
  };
  for (;;) {
    skip();
    // Empty list elements are allowed (`"a", , "b"`) and ignored.
    if (v[i] === ',') {
      i++;
      continue;
    }
    if (i >= v.length) break;
    // weak = %s"W/" (case-sensitive); opaque-tag = DQUOTE *etagc DQUOTE, etagc = %x21 / %x23-7E / obs-text.
    if (v.startsWith('W/', i)) i += 2;
    if (v[i] !== '"') return undefined;
    const end = v.indexOf('"', i + 1);
    if (end < 0) return undefined;
    const opaque = v.slice(i + 1, end);
    if (!/^[\x21\x23-\x7e\x80-\xff]*$/.test(opaque)) return undefined;
    tags.push(opaque);
    i = end + 1;
    skip();
    if (i < v.length && v[i] !== ',') return undefined;
  }
  return tags.length > 0 ? tags : undefined;
}

/**
 * Whether a GET of a resource whose current ETag is `tag` gets 304 (its If-None-Match evaluates to
 * false): `*` (the resource has a current representation), or any listed tag weakly equal to it.
 */
export function notModified(header: string | string[] | undefined, tag: string): boolean {
  if (header === undefined) return false;
  const parsed = parseIfNoneMatch(Array.isArray(header) ? header.join(', ') : header);
  if (parsed === undefined) return false;
  if (parsed === '*') return true;
  const mine = parseIfNoneMatch(tag);
  const opaque = Array.isArray(mine) ? mine[0] : undefined;
  return opaque !== undefined && parsed.includes(opaque);
}

/**
 * Sends `json` (already serialized) with its ETag and `cacheControl`, or 304 without a body when the
 * request's If-None-Match names it. `tag` defaults to the body's weak tag.
 */
export function sendRevalidated(req: FastifyRequest, reply: FastifyReply, json: string, cacheControl: string, tag = weakTag(json)): FastifyReply {
  reply.header('etag', tag).header('cache-control', cacheControl);
  if (notModified(req.headers['if-none-match'], tag)) return reply.code(304).send();
  return reply.header('content-type', 'application/json; charset=utf-8').send(json);
}
