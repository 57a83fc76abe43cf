/// <reference types="vitest/config" />
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import vue from '@vitejs/plugin-vue';
import AutoImport from 'unplugin-auto-import/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';
import Components from 'unplugin-vue-components/vite';
import { defineConfig, type Plugin, type ProxyOptions } from 'vite';

const apiTarget = process.env.SECKILL_API_URL ?? 'http://localhost:8080';
const publicDir = fileURLToPath(new URL('./public', import.meta.url));

const api: ProxyOptions = { target: apiTarget, changeOrigin: true };
const images: ProxyOptions = {
  target: apiTarget,
  changeOrigin: true,
  // The shipped pictures are served from public/ in dev; only others go to the API.
  bypass: (req) => {
    const path = (req.url ?? '').split('?')[0] ?? '';
    return existsSync(publicDir + decodeURIComponent(path)) ? path : undefined;
  },
};

/**
 * The contracts package declares zod schemas at the top level of its modules. The browser uses
 * only its types and the ERRORS table, so its modules are marked free of side effects: whatever
 * is not imported (the schemas, and with them zod) is left out of the bundle.
 */
function contractsWithoutSideEffects(): Plugin {
  const contracts = /[\\/]packages[\\/]contracts[\\/]src[\\/]/;
  return {
    name: 'seckill:contracts-without-side-effects',
    transform(code, id) {
      if (contracts.test(id)) return { code, map: null, moduleSideEffects: false };
      return null;
    },
  };
}

export default defineConfig({
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  plugins: [
    contractsWithoutSideEffects(),
    vue(),
    AutoImport({
      resolvers: [ElementPlusResolver()],
      dts: 'auto-imports.d.ts',
    }),
    Components({
      resolvers: [ElementPlusResolver()],
      dts: 'components.d.ts',
      dirs: [],
    }),
  ],
  define: {
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'false',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
    __INTLIFY_JIT_COMPILATION__: 'true',
    __INTLIFY_DROP_MESSAGE_COMPILER__: 'false',
  },
  server: {
    port: Number(process.env.WEB_PORT ?? 5173),
    proxy: { '/api': api, '/images': images },
  },
  build: {
    target: 'es2022',
    // Read by scripts/page-weight.mjs to add up what each page loads.
    manifest: true,
    rolldownOptions: {
      output: {
        // Shared chunks are otherwise named after their first module (often a style entry).
        chunkFileNames: (chunk) =>
          /^(css|index|style)$/.test(chunk.name)
            ? 'assets/shared-[hash].js'
            : 'assets/[name]-[hash].js',
        assetFileNames: (asset) =>
          /^(css|index|style)\.css$/.test(asset.names[0] ?? '')
            ? 'assets/shared-[hash][extname]'
            : 'assets/[name]-[hash][extname]',
        codeSplitting: {
          groups: [
            {
              // The framework every page needs, in one long-cached file.
              name: 'vue',
              test: /node_modules[\\/](@vue|vue|vue-router|pinia|vue-i18n|@intlify)[\\/]/,
            },
          ],
        },
      },
    },
  },
  test: {
    environment: 'happy-dom',
    include: ['src/**/*.test.ts'],
    server: { deps: { inline: ['element-plus'] } },
    restoreMocks: true,
  },
});
