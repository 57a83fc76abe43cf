import type { Sale, SaleCreateBody } from '@seckill/contracts';
import { amountProblem, centsToYuanInput, yuanToCents } from './money';

/** The pictures shipped in public/images/goods, offered in the sale form. */
export const SHIPPED_IMAGES = [
  'phone',
  'laptop',
  'watch',
  'earbuds',
  'keyboard',
  'backpack',
  'coffee',
  'rice-cooker',
].map((name) => `/images/goods/${name}.svg`);

export type ImageMode = 'shipped' | 'url' | 'none';

/** What the admin types: prices as yuan text, times as picked dates. */
export interface SaleForm {
  name: string;
  description: string;
  imageMode: ImageMode;
  shippedImage: string;
  imageUrl: string;
  price: string;
  seckillPrice: string;
  /** Empty while the admin clears the field. */
  stock: number | undefined;
  startAt: Date | null;
  endAt: Date | null;
  /** Shoppers queue in a waiting room and are let in at a rate, instead of racing for the button. */
  waitingRoom: boolean;
}

export type SaleField =
  'name' | 'description' | 'image' | 'price' | 'seckillPrice' | 'stock' | 'startAt' | 'endAt';

/** Problems by field, as keys under admin.form.rules in the translations. */
export type SaleFormProblem =
  | 'required'
  | 'nameLength'
  | 'descriptionLength'
  | 'imageUrl'
  | 'money'
  | 'moneyRange'
  | 'seckillAbovePrice'
  | 'stock'
  | 'endBeforeStart';

const IMAGE_URL = /^(\/[A-Za-z0-9/_.-]+|https?:\/\/[^\s<>"']+)$/;
const HOUR = 3_600_000;

export function emptySaleForm(now: number): SaleForm {
  const start = Math.ceil((now + 10 * 60_000) / HOUR) * HOUR;
  return {
    name: '',
    description: '',
    imageMode: 'shipped',
    shippedImage: SHIPPED_IMAGES[0] ?? '',
    imageUrl: '',
    price: '',
    seckillPrice: '',
    stock: 100,
    startAt: new Date(start),
    endAt: new Date(start + 2 * HOUR),
    // A new sale is fair by default: the room spreads the opening second's crowd over a line.
    waitingRoom: true,
  };
}

export function saleToForm(sale: Sale): SaleForm {
  const shipped = SHIPPED_IMAGES.includes(sale.imageUrl);
  return {
    name: sale.name,
    description: sale.description,
    imageMode: sale.imageUrl === '' ? 'none' : shipped ? 'shipped' : 'url',
    shippedImage: shipped ? sale.imageUrl : (SHIPPED_IMAGES[0] ?? ''),
    imageUrl: shipped ? '' : sale.imageUrl,
    price: centsToYuanInput(sale.price),
    seckillPrice: centsToYuanInput(sale.seckillPrice),
    stock: sale.stock,
    startAt: new Date(sale.startAt),
    endAt: new Date(sale.endAt),
    waitingRoom: sale.waitingRoom,
  };
}

export function imageUrlOf(form: SaleForm): string {
  if (form.imageMode === 'none') return '';
  if (form.imageMode === 'shipped') return form.shippedImage;
  return form.imageUrl.trim();
}

/** Checks the form the way the API will, so most mistakes are caught before sending. */
export function checkSaleForm(form: SaleForm): Partial<Record<SaleField, SaleFormProblem>> {
  const problems: Partial<Record<SaleField, SaleFormProblem>> = {};
  const name = form.name.trim();
  if (!name) problems.name = 'required';
  else if (name.length > 120) problems.name = 'nameLength';
  if (form.description.trim().length > 2000) problems.description = 'descriptionLength';

  const image = imageUrlOf(form);
  if (form.imageMode === 'url' && image === '') problems.image = 'required';
  else if (image !== '' && (image.length > 500 || !IMAGE_URL.test(image))) {
    problems.image = 'imageUrl';
  }

  const priceProblem = amountProblem(form.price);
  if (priceProblem) problems.price = priceProblem;
  const seckillProblem = amountProblem(form.seckillPrice);
  if (seckillProblem) problems.seckillPrice = seckillProblem;
  if (!priceProblem && !seckillProblem) {
    if ((yuanToCents(form.seckillPrice) ?? 0) > (yuanToCents(form.price) ?? 0)) {
      problems.seckillPrice = 'seckillAbovePrice';
    }
  }

  const stock = form.stock;
  if (stock === undefined || !Number.isInteger(stock) || stock < 0 || stock > 1_000_000) {
    problems.stock = 'stock';
  }
  if (!form.startAt) problems.startAt = 'required';
  if (!form.endAt) problems.endAt = 'required';
  else if (form.startAt && form.endAt.getTime() <= form.startAt.getTime()) {
    problems.endAt = 'endBeforeStart';
  }
  return problems;
}

/** The API body: cents for prices, ISO times with an offset. Call after checkSaleForm passes. */
export function saleFormToBody(form: SaleForm): SaleCreateBody {
  const price = yuanToCents(form.price);
  const seckillPrice = yuanToCents(form.seckillPrice);
  if (
    price === null ||
    seckillPrice === null ||
    form.stock === undefined ||
    !form.startAt ||
    !form.endAt
  ) {
    throw new Error('the sale form is not valid');
  }
  return {
    name: form.name.trim(),
    description: form.description.trim(),
    imageUrl: imageUrlOf(form),
    price,
    seckillPrice,
    stock: form.stock,
    startAt: form.startAt.toISOString(),
    endAt: form.endAt.toISOString(),
    waitingRoom: form.waitingRoom,
  };
}

/** Where a problem the server reports (by body field) belongs in the form. */
export function fieldOfBodyKey(key: string): SaleField | null {
  if (key === 'imageUrl') return 'image';
  const fields: readonly string[] = [
    'name',
    'description',
    'price',
    'seckillPrice',
    'stock',
    'startAt',
    'endAt',
  ];
  return fields.includes(key) ? (key as SaleField) : null;
}
