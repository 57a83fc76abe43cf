export * from './keys.ts';
export * from './stock.ts';
