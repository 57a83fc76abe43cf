export * from './names.ts';
export * from './topology.ts';
export * from './publisher.ts';
export * from './connection.ts';
