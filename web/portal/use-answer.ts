/** A page's GET of the open API: loads `url` while it is the one asked for; an answer for an older address is dropped. */
import { useEffect, useState } from 'react';
import { api, describeError } from '../ui/api';

export function useAnswer<T>(url: string): { data: T | null; error: string; loading: boolean } {
  const [state, setState] = useState<{ data: T | null; error: string; loading: boolean }>({ data: null, error: '', loading: true });
  useEffect(() => {
    let current = true;
    setState({ data: null, error: '', loading: true });
    api<T>('GET', url)
      .then((data) => current && setState({ data, error: '', loading: false }))
      .catch((err) => current && setState({ data: null, error: describeError(err), loading: false }));
    return () => {
      current = false;
    };
  }, [url]);
  return state;
}
