/**
 * The public answers' schemas that more than the routes use: the profile is serialized by the
 * routes and by the portal's stored profiles (public-profiles.ts), through the same schema, so a
 * stored answer is byte for byte what the route would send.
 */
import { z } from 'zod';
import type { PublicRecord, PublicSubject, RegistrationFacts, SubjectProfile } from '../../../common/portal-api.js';
import { weakTag } from '../../platform/etag.js';
import type { SentAnswer } from './profile-cache.js';

export const publicSubject = z.object({
  id: z.string(),
  kind: z.enum(['organization', 'person']),
  orgType: z.string().nullable(),
  name: z.string(),
  uscc: z.string().nullable(),
  legalRepresentative: z.object({ name: z.string() }).nullable(),
  region: z.object({ code: z.string(), name: z.string().nullable() }).nullable(),
  industry: z.object({ code: z.string(), name: z.string().nullable() }).nullable(),
  status: z.string(),
}) satisfies z.ZodType<PublicSubject>;
export const publicRecord = z.object({
  id: z.string(),
  itemCode: z.string(),
  itemName: z.string(),
  documentNumber: z.string(),
  decisionDate: z.string(),
  publicityEnd: z.string().nullable(),
  source: z.string().nullable(),
  basis: z.string().nullable(),
  disputed: z.boolean(),
  fields: z.array(z.object({ code: z.string(), label: z.string(), value: z.string(), unit: z.string().optional() })),
}) satisfies z.ZodType<PublicRecord>;
const tab = z.object({ total: z.number(), items: z.array(publicRecord) });
const registration = z.object({
  establishmentDate: z.string().nullable(), address: z.string().nullable(), status: z.string().nullable(), registeredCapital: z.string().nullable(), businessScope: z.string().nullable(),
}) satisfies z.ZodType<RegistrationFacts>;
export const profile = z.object({
  subject: publicSubject,
  usccParts: z.record(z.string(), z.unknown()).nullable(),
  registration,
  permits: tab, penalties: tab,
}) satisfies z.ZodType<SubjectProfile>;

/** A body through its response schema (only declared fields leave), serialized once, with its ETag. */
export function answer<T>(schema: z.ZodType<T>, body: T): SentAnswer {
  const json = JSON.stringify(schema.parse(body));
  return { json, tag: weakTag(json) };
}

/** A profile as the route sends it. */
export const serializeProfile = (p: SubjectProfile): SentAnswer => answer(profile, p);
