/** The portal's pages by hash route: #/search?q=…, #/subject/<USCC>?tab=penalties, #/publicity/penalties|permits. */
import { useEffect, useState } from 'react';

export interface Route {
  path: string[];
  params: URLSearchParams;
}

function parse(): Route {
  const raw = window.location.hash.replace(/^#\/?/, '');
  const [p = '', q = ''] = raw.split('?');
  return { path: p.split('/').filter(Boolean).map(decodeURIComponent), params: new URLSearchParams(q) };
}

/** An address reached by switching within a page (a profile's tab): the reader stays where they are. */
let keepScrollAt: string | null = null;

export function useRoute(): Route {
  const [route, setRoute] = useState(parse);
  useEffect(() => {
    const on = () => {
      setRoute(parse());
      if (window.location.hash !== keepScrollAt) window.scrollTo(0, 0);
    };
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

function hashOf(path: string, params: Record<string, string | number | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const query = q.toString();
  return `#/${path}${query ? `?${query}` : ''}`;
}

/**
 * A new address (a history entry: back returns to the last one). `keepScroll`: a switch within the
 * page, which is not scrolled to the top; `replace`: this address takes the current one's place
 * (back skips it), as when a search for a whole code opens the organization itself.
 */
export function go(path: string, params: Record<string, string | number | undefined> = {}, how: { keepScroll?: boolean; replace?: boolean } = {}): void {
  const hash = hashOf(path, params);
  keepScrollAt = how.keepScroll ? hash : null;
  if (how.replace) window.location.replace(hash);
  else window.location.hash = hash;
}

/** A profile's address; `tab` opens one of its tabs (permits, penalties). */
export const subjectHref = (uscc: string, tab?: string) => hashOf(`subject/${encodeURIComponent(uscc)}`, { tab });
