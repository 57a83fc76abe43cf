// What other packages (the bench, the test stacks) may use of the API; everything else is internal.
export { buildApp, createHttpServer } from './app.ts';
export { loadConfig, type Config } from './config.ts';
export { createServices, type Services } from './services.ts';
export { TokenService } from './http/auth.ts';
export { checkSale, checkSaleSettled } from './seckill/consistency.ts';
