/**
 * The requests of a flash sale as the shop's browser sends them — method, URL under /api and
 * JSON body — declared once: the web app's client (web/src/api/seckill.ts) sends exactly these,
 * and the bench's crowd (bench/src/shots.ts) sends the same, so the bench measures what shoppers
 * send. A test on each side checks the bytes that leave (web: axios' own request; bench: its shots).
 */
export interface SaleCall {
  method: 'GET' | 'POST';
  /** Under /api (the web client's base URL). */
  url: string;
  /** The JSON body, when there is one. */
  body?: object;
}

/** What the browser's client adds to a JSON request (axios' defaults). */
export const BROWSER_JSON_HEADERS = {
  accept: 'application/json, text/plain, */*',
  'content-type': 'application/json',
} as const;

export const saleCalls = {
  captcha: (goodsId: number): SaleCall => ({ method: 'GET', url: `/seckill/${goodsId}/captcha` }),
  path: (goodsId: number, captcha: string): SaleCall => ({
    method: 'POST',
    url: `/seckill/${goodsId}/path`,
    body: { captcha },
  }),
  // An empty JSON object: the shop has always posted `{}` here.
  order: (goodsId: number, path: string): SaleCall => ({
    method: 'POST',
    url: `/seckill/${goodsId}/${encodeURIComponent(path)}/order`,
    body: {},
  }),
  result: (goodsId: number): SaleCall => ({ method: 'GET', url: `/seckill/${goodsId}/result` }),
  joinQueue: (goodsId: number): SaleCall => ({ method: 'POST', url: `/seckill/${goodsId}/queue` }),
  queue: (goodsId: number): SaleCall => ({ method: 'GET', url: `/seckill/${goodsId}/queue` }),
};
