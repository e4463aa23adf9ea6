import vue from '@vitejs/plugin-vue';
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { defineConfig } from 'vite';

const repoRoot = path.resolve(import.meta.dirname, '..');

/**
 * The console is static files under /console/: the local gateway serves console/dist there,
 * CloudFront does in AWS. The admin API is same-origin in both; `npm run console:dev` proxies
 * it to a running `npm start` (VITE_API_PROXY, default http://127.0.0.1:3000).
 */
export default defineConfig(({ command }) => ({
  base: '/console/',
  plugins: [vue()],
  // Vite's dependency cache stays in .local/, not in node_modules (which may be shared).
  cacheDir: path.join(repoRoot, '.local', 'vite'),
  // amazon-cognito-identity-js still reads Node's `global`.
  // vue-i18n: the Composition API only, no devtools hooks in production (its esm-bundler flags).
  define: { global: 'globalThis', __VUE_I18N_FULL_INSTALL__: true, __VUE_I18N_LEGACY_API__: false, __INTLIFY_PROD_DEVTOOLS__: false },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500, sourcemap: false },
  server:
    command === 'serve'
      ? {
          // node_modules may be a link to another checkout; the dev server must be allowed to read it.
          fs: { allow: [repoRoot, realpathSync(path.join(repoRoot, 'node_modules'))] },
          proxy: Object.fromEntries(['/admin', '/openapi.json', '/console/config.json'].map((route) => [route, process.env.VITE_API_PROXY ?? 'http://127.0.0.1:3000'])),
        }
      : {},
}));
