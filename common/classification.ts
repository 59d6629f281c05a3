/**
 * Data classification (security.md): every object served carries one, and reads, exports and
 * caches honour it — only `public` may be cached or shown without sign-in; anything else needs a
 * principal, and reads of it are registered with their purpose.
 */
export type Classification = 'public' | 'governmentShared' | 'authorizedQuery' | 'restrictedPersonal';

export const CLASSIFICATION_LABELS: Record<Classification, string> = {
  public: '社会公开',
  governmentShared: '政务共享',
  authorizedQuery: '授权查询',
  restrictedPersonal: '个人信息（受限）',
};

/** From a catalog item's disclosure setting. */
export function classificationOfDisclosure(disclosure: 'public' | 'authorizedQuery' | 'governmentSharing'): Classification {
  return disclosure === 'public' ? 'public' : disclosure === 'authorizedQuery' ? 'authorizedQuery' : 'governmentShared';
}

/**
 * Cache policy by classification: only public data may sit in shared caches, and even that is
 * asked again on every use (`no-cache`, revalidated by ETag where the route sends one): a catalog
 * changed in any process shows on the next request.
 */
export function cacheControlFor(c: Classification): string {
  return c === 'public' ? 'public, no-cache' : 'no-store';
}
