import type { SaleStats, SaleStatus } from '@seckill/contracts';

export type SalesStatusFilter = 'all' | SaleStatus;
export const SALES_STATUS_FILTERS: readonly SalesStatusFilter[] = [
  'all',
  'active',
  'upcoming',
  'sold_out',
  'ended',
];

export interface SalesQuery {
  status: SalesStatusFilter;
  /** Part of the name, any case, or the sale's id (with or without "#"). */
  text: string;
  page: number;
  pageSize: number;
}

export interface SalesPage {
  items: SaleStats[];
  /** Sales matching the filter, on every page. */
  total: number;
  /** The page shown: the one asked for, or the last one when a refresh left fewer sales. */
  page: number;
}

/** The admin table's filter and paging, over every sale `/api/admin/stats` returns. */
export function filterSales(all: readonly SaleStats[], query: SalesQuery): SalesPage {
  const text = query.text.trim().toLocaleLowerCase();
  const id = /^#?\d+$/.test(text) ? Number(text.replace('#', '')) : null;
  const matched = all.filter(
    (sale) =>
      (query.status === 'all' || sale.status === query.status) &&
      (text === '' || sale.id === id || sale.name.toLocaleLowerCase().includes(text)),
  );
  const size = Math.max(1, Math.floor(query.pageSize));
  const last = Math.max(1, Math.ceil(matched.length / size));
  const page = Math.min(Math.max(1, Math.floor(query.page)), last);
  return { items: matched.slice((page - 1) * size, page * size), total: matched.length, page };
}
