export * from './buckets.ts';
export * from './live.ts';
export * from './server.ts';
