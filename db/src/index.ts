export * from './config.ts';
export * from './pool.ts';
export * from './migrate.ts';
export * from './seed.ts';
export * from './passwords.ts';
export * from './users.ts';
export * from './wallet.ts';
export * from './audit.ts';
