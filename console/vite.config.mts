import vue from '@vitejs/plugin-vue';
import { defineConfig } from 'vite';

/**
 * The console is static files under /console/: the local gateway serves console/dist there,
 * CloudFront does in AWS. The admin API is same-origin in both, so no dev proxy is needed
 * beyond pointing `vite` at a running `npm start` (VITE_API_PROXY).
 */
export default defineConfig({
  base: '/console/',
  plugins: [vue()],
  // amazon-cognito-identity-js still reads Node's `global`.
  define: { global: 'globalThis' },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1500, sourcemap: false },
  server: process.env.VITE_API_PROXY
    ? { proxy: { '/admin': process.env.VITE_API_PROXY, '/openapi.json': process.env.VITE_API_PROXY, '/console/config.json': process.env.VITE_API_PROXY } }
    : {},
});
