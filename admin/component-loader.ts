/**
 * The custom React components of the panel. AdminJS bundles them for the browser (on first
 * request in development, at `npm run build` for production), so they are registered by the
 * path of their source files, which exist both in a checkout and in the image.
 */
import { join } from 'node:path';
import { ComponentLoader } from 'adminjs';
import { COMPONENTS_DIR } from './paths.js';

export const componentLoader = new ComponentLoader();

const add = (name: string, file: string) => componentLoader.add(name, join(COMPONENTS_DIR, file));

export const Components = {
  Dashboard: add('Dashboard', 'dashboard.tsx'),
  CampaignProgress: add('CampaignProgress', 'campaign-progress.tsx'),
  JsonView: add('JsonView', 'json-view.tsx'),
  ActionForm: add('ActionForm', 'action-form.tsx'),
  ReportDownload: add('ReportDownload', 'report-download.tsx'),
  CsvUpload: add('CsvUpload', 'csv-upload.tsx'),
};
