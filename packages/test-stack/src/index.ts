export * from './child.ts';
export * from './deployment.ts';
export * from './ports.ts';
export * from './wait.ts';
