export * from './keys.ts';
export * from './redis.ts';
export * from './stock.ts';
export * from './user-events.ts';
export * from './room.ts';
