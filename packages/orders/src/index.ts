export * from './lifecycle.ts';
export * from './orders.ts';
export * from './payments.ts';
export * from './wallet.ts';
