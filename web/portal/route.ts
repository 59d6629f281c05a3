/** The portal's pages by hash route: #/search?q=…, #/subject/<USCC>, #/publicity/penalties|permits. */
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

export function useRoute(): Route {
  const [route, setRoute] = useState(parse);
  useEffect(() => {
    const on = () => {
      setRoute(parse());
      window.scrollTo(0, 0);
    };
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

export function go(path: string, params: Record<string, string | number | undefined> = {}): void {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const query = q.toString();
  window.location.hash = `#/${path}${query ? `?${query}` : ''}`;
}

export const subjectHref = (uscc: string) => `#/subject/${encodeURIComponent(uscc)}`;
