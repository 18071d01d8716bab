/**
 * Where the panel's files are on disk, the same whether this module runs from `admin/` (tsx)
 * or from `dist/admin/` (compiled): component sources are read from the project's `admin/`
 * directory (tsc does not copy .tsx files), the prebuilt browser bundle from `dist/admin-assets/`.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

export const PROJECT_ROOT = findProjectRoot(dirname(fileURLToPath(import.meta.url)));

/** The React components AdminJS bundles for the browser (source files, shipped with the image). */
export const COMPONENTS_DIR = join(PROJECT_ROOT, 'admin', 'components');

/** Written by `npm run build` (admin/bundle.ts). */
export const PREBUILT_ASSETS_DIR = join(PROJECT_ROOT, 'dist', 'admin-assets');
export const PREBUILT_COMPONENTS_BUNDLE = join(PREBUILT_ASSETS_DIR, 'components.bundle.js');
