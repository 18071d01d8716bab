/**
 * Build step (`npm run build`): bundles the panel's React components for the browser into
 * dist/admin-assets/, so a production server serves a prebuilt, minified bundle instead of
 * bundling at start-up (admin/http/prebuilt-assets.ts). Runs offline: rollup and babel come
 * with AdminJS.
 */
import { rm } from 'node:fs/promises';
import { relative } from 'node:path';
import { PREBUILT_ASSETS_DIR, PREBUILT_COMPONENTS_BUNDLE, PROJECT_ROOT } from './paths.js';

// AdminJS decides between development and production output when it is first imported.
process.env.NODE_ENV = 'production';
process.chdir(PROJECT_ROOT);

const { bundle } = await import('@adminjs/bundler');
const { componentLoader } = await import('./component-loader.js');

const files = await bundle({ componentLoader, destinationDir: relative(PROJECT_ROOT, PREBUILT_ASSETS_DIR) });
// The bundler also copies AdminJS's own bundles; the server serves those from node_modules.
await Promise.all(files.map((file) => file.destinationPath).filter((path) => path !== PREBUILT_COMPONENTS_BUNDLE).map((path) => rm(path, { force: true })));
process.stdout.write(`admin components bundle: ${relative(PROJECT_ROOT, PREBUILT_COMPONENTS_BUNDLE)}\n`);
