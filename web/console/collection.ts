/**
 * What the collection (归集) pages share: the API's shapes (common/collection-api.ts) and the
 * lookups they all need.
 */
import { useEffect, useState } from 'react';
import type { BatchView } from '../../common/collection-api';
import { api, describeError } from '../ui/api';

export type { BatchView, QualityReport, QualityRow, RowIssue, RowProblem } from '../../common/collection-api';

export interface Department {
  id: string;
  name: string;
}

export const batchUrl = (id: string) => `/api/v1/collection/batches/${id}`;

/** The console's link to a batch: 报送批次 with its drawer open (App.tsx routes by the part before 「?」). */
export const batchHref = (id: string) => `#/batches?batch=${encodeURIComponent(id)}`;

/** The batch a 报送批次 link names (batchHref), if the address carries one. */
export const batchInHash = (hash: string): string | null => new URLSearchParams(hash.split('?')[1] ?? '').get('batch');

/** Catalog item code → name (「行政处罚信息」), for pickers and for grants listed by code only. */
export function useInfoItems(): { code: string; name: string }[] {
  const [items, setItems] = useState<{ code: string; name: string }[]>([]);
  useEffect(() => {
    api<{ code: string; content: { name?: unknown } }[]>('GET', '/api/v1/catalog/info-items')
      .then((rows) => setItems(rows.map((r) => ({ code: r.code, name: String(r.content.name ?? r.code) }))))
      .catch(() => setItems([]));
  }, []);
  return items;
}

/** All departments; only the credit office may list them, so others pass enabled = false. */
export function useDepartments(enabled: boolean): Department[] {
  const [rows, setRows] = useState<Department[]>([]);
  useEffect(() => {
    if (enabled) void api<Department[]>('GET', '/api/v1/departments').then(setRows).catch(() => setRows([]));
  }, [enabled]);
  return rows;
}

/**
 * While a batch imports (in the background, after the 202), reads it again every second; stops
 * once it is imported or failed, or when the caller drops it.
 */
export function usePollWhileImporting(batch: BatchView | null, update: (b: BatchView) => void, onError: (message: string) => void): void {
  useEffect(() => {
    if (batch?.status !== 'importing') return;
    let live = true;
    const timer = setTimeout(() => {
      api<BatchView>('GET', batchUrl(batch.id))
        .then((b) => live && update(b))
        .catch((err) => live && onError(describeError(err)));
    }, 1000);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [batch, update, onError]);
}
