import type { LocationQuery, LocationQueryRaw } from 'vue-router';

export type GoodsTab = 'all' | 'active' | 'upcoming' | 'ended';
export const GOODS_TABS: readonly GoodsTab[] = ['all', 'active', 'upcoming', 'ended'];

/** The shop list's filters, kept in the URL (`?tab=ended&q=lamp&page=2`) so Back and links keep them. */
export interface GoodsListQuery {
  tab: GoodsTab;
  /** The search as submitted, trimmed; '' for none. */
  q: string;
  page: number;
}

function first(value: LocationQuery[string] | undefined): string {
  const one = Array.isArray(value) ? value[0] : value;
  return typeof one === 'string' ? one : '';
}

/** Reads the filters from a URL's query; anything unknown or malformed falls back to the default. */
export function readGoodsListQuery(query: LocationQuery): GoodsListQuery {
  const tab = first(query.tab);
  const page = Number(first(query.page));
  return {
    tab: (GOODS_TABS as readonly string[]).includes(tab) ? (tab as GoodsTab) : 'all',
    q: first(query.q).trim(),
    page: Number.isSafeInteger(page) && page > 1 ? page : 1,
  };
}

/** The query for these filters, defaults left out so the plain list stays at "/". */
export function writeGoodsListQuery(filters: GoodsListQuery): LocationQueryRaw {
  const query: LocationQueryRaw = {};
  if (filters.tab !== 'all') query.tab = filters.tab;
  const q = filters.q.trim();
  if (q) query.q = q;
  if (filters.page > 1) query.page = String(filters.page);
  return query;
}

/** One string per distinct filter, to tell whether an answer is for what is on screen. */
export function goodsListKey(filters: GoodsListQuery): string {
  return JSON.stringify([filters.tab, filters.q, filters.page]);
}
