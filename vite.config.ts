// Build of the back-office single-page app (src/web), served by Fastify under /app/.
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const apiTarget = 'http://localhost:3000';

export default defineConfig({
  root: path.resolve(import.meta.dirname, 'src/web'),
  base: '/app/',
  plugins: [react()],
  build: {
    outDir: path.resolve(import.meta.dirname, 'dist/web'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 900,
    // Two entries: the back office (index.html) and the canvassing app (terrain/index.html, served
    // at /terrain/ with its service worker from public/terrain/).
    rollupOptions: {
      input: {
        main: path.resolve(import.meta.dirname, 'src/web/index.html'),
        terrain: path.resolve(import.meta.dirname, 'src/web/terrain/index.html'),
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: false },
      '/healthz': { target: apiTarget, changeOrigin: false },
    },
  },
});
