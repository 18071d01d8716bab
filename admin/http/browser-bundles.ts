/**
 * The JavaScript bundles an AdminJS page loads, served by us:
 * - AdminJS's own three bundles (app, global, design system) in their production builds, in
 *   every environment: the development builds weigh 26 MB per page load against 3.3 MB, which
 *   makes the panel sluggish in `npm run dev` and slow to test, and add nothing for operators.
 * - In production, the custom components' bundle `npm run build` prebuilt (admin/bundle.ts), so
 *   AdminJS bundles neither at start-up (slow, and it writes into the working directory, which
 *   may be read-only) nor on first request. In development AdminJS bundles them on demand.
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Router, type default as AdminJS } from 'adminjs';
import type { FastifyInstance } from 'fastify';
import { COMPONENTS_DIR, PREBUILT_COMPONENTS_BUNDLE } from '../paths.js';

const CORE_BUNDLES = ['app.bundle.js', 'global.bundle.js', 'design-system.bundle.js'];
const CACHE_CONTROL = 'public, max-age=600';

/** URL path → file, for the bundles we serve instead of AdminJS. */
function bundleFiles(admin: AdminJS, usePrebuiltComponents: boolean): Map<string, string> {
  const files = new Map<string, string>();
  for (const asset of Router.assets) {
    const name = asset.path.split('/').pop() ?? '';
    const production = asset.src.replace(/\.development\.js$/, '.production.js');
    if (CORE_BUNDLES.includes(name) && existsSync(production)) files.set(`${admin.options.rootPath}${asset.path}`, production);
  }
  if (usePrebuiltComponents) files.set(`${admin.options.rootPath}/frontend/assets/components.bundle.js`, PREBUILT_COMPONENTS_BUNDLE);
  return files;
}

/**
 * In development AdminJS serves `.adminjs/bundle.js` (its default working directory) from any
 * earlier run as it is; dropping it when a component changed since makes it bundle afresh.
 */
function discardStaleComponentsBundle(): void {
  const bundle = resolve('.adminjs', 'bundle.js');
  if (!existsSync(bundle)) return;
  const sources = readdirSync(COMPONENTS_DIR).map((file) => statSync(join(COMPONENTS_DIR, file)).mtimeMs);
  if (Math.max(...sources) > statSync(bundle).mtimeMs) rmSync(bundle, { force: true });
}

export function serveBrowserBundles(scope: FastifyInstance, admin: AdminJS, production: boolean): void {
  if (!production) discardStaleComponentsBundle();
  const usePrebuiltComponents = production && existsSync(PREBUILT_COMPONENTS_BUNDLE);
  // AdminJS would otherwise bundle the components at start-up in production.
  if (usePrebuiltComponents) admin.initialize = async () => {};
  const files = bundleFiles(admin, usePrebuiltComponents);
  const loaded = new Map<string, Buffer>();
  scope.addHook('onRequest', async (request, reply) => {
    const file = request.method === 'GET' ? files.get(request.url.split('?')[0]) : undefined;
    if (!file) return undefined;
    let body = loaded.get(file);
    if (!body) {
      body = await readFile(file);
      loaded.set(file, body);
    }
    return reply.type('text/javascript; charset=utf-8').header('cache-control', CACHE_CONTROL).send(body);
  });
}
