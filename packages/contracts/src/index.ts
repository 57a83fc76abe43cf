export * from './errors.ts';
export * from './schemas.ts';
export * from './messages.ts';
export * from './app-error.ts';
export * from './live.ts';
export * from './sale-calls.ts';
