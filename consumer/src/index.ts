export * from './config.ts';
export * from './consumer.ts';
export * from './run.ts';
export * from './writer.ts';
export * from './expirer.ts';
export * from './metrics.ts';
