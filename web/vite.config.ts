// Two entry points, one build: the public portal (/) and the admin console (/console/).
// The portal bundle never imports console code (separate entries, no shared chunk with console pages).
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: resolve(import.meta.dirname),
  base: '/',
  plugins: [react()],
  build: {
    outDir: process.env.WEB_DIST ? resolve(process.env.WEB_DIST) : resolve(import.meta.dirname, '../dist/web'),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    rollupOptions: {
      input: {
        portal: resolve(import.meta.dirname, 'portal/index.html'),
        console: resolve(import.meta.dirname, 'console/index.html'),
      },
    },
  },
});
