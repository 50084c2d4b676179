/**
 * What the report page inlines, read at report time: uPlot (script, stylesheet and its MIT licence
 * notice) from node_modules, and the page's own script, bundled at build time into
 * dist/report/viewer.js (.build/bundle.mjs). I/O lives here so html.ts stays pure.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ReportAssets {
  chartJs: string;
  chartCss: string;
  /** `uPlot <version> — <licence text>`, shown in the page and kept in a comment beside the code. */
  chartNotice: string;
  viewerJs: string;
}

/** The package's root: the nearest directory above this module holding our package.json. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'kmod-enum-detect') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the kmod-enum-detect package root for the report assets');
    dir = up;
  }
}

export function loadReportAssets(): ReportAssets {
  const require = createRequire(import.meta.url);
  const uplotDir = dirname(require.resolve('uplot/package.json'));
  const { version } = JSON.parse(readFileSync(join(uplotDir, 'package.json'), 'utf8')) as { version: string };
  const viewer = join(packageRoot(), 'dist', 'report', 'viewer.js');
  if (!existsSync(viewer)) throw new Error(`the report page script ${viewer} is missing: run npm run build`);
  return {
    chartJs: readFileSync(join(uplotDir, 'dist', 'uPlot.iife.min.js'), 'utf8'),
    chartCss: readFileSync(join(uplotDir, 'dist', 'uPlot.min.css'), 'utf8'),
    chartNotice: `uPlot ${version} (https://github.com/leeoniya/uPlot)\n${readFileSync(join(uplotDir, 'LICENSE'), 'utf8').trim()}`,
    viewerJs: readFileSync(viewer, 'utf8'),
  };
}
