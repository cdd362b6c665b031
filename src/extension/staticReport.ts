/**
 * Xception's static report (shapes, params, MACs; no engine, no timings) without building the
 * model: the first picture of "Profile Xception" before the worker has loaded an engine.
 *
 * Looked up in two places: `dist/static/xception-<size>.json`, precomputed at build time by the
 * same analysis the worker runs (scripts/build.mjs: the default input size 299 and Keras's
 * minimum 71), then a per-version cache in the extension's global storage, filled by earlier
 * runs at other sizes (`cacheStaticReport`).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isArchitectureReport } from '../report/messages';
import type { ArchitectureReport } from '../report/schema';
import type { XceptionSource } from '../worker/protocol';

/** File name of the static report of an Xception source; undefined for variants not cached. */
function fileName(source: XceptionSource): string | undefined {
  return source.includeTop && source.classes === 1000 ? `xception-${source.inputSize}.json` : undefined;
}

/**
 * What the analysis alone says: the report without its engine, timings and the diagnostics of a
 * measurement (the worker's report replaces it once an engine has run).
 */
function staticPart(report: ArchitectureReport): ArchitectureReport {
  const { engine: _engine, timing: _timing, ...rest } = report;
  return {
    ...rest,
    layers: rest.layers.map(({ timing: _t, ...l }) => l),
    diagnostics: rest.diagnostics.filter((d) => !d.code?.startsWith('timing-') && d.code !== 'engine-mismatch'),
  };
}

/** The folders searched, in order: the bundle's precomputed reports, then the cache. */
function folders(extensionPath: string, cacheDir?: string): string[] {
  return [path.join(extensionPath, 'dist', 'static'), ...(cacheDir ? [cacheDir] : [])];
}

/**
 * The static report of `source`, or undefined when none is precomputed or cached (the worker's
 * analysis then is the first picture). A damaged file counts as none.
 */
export function staticXceptionReport(extensionPath: string, source: XceptionSource, cacheDir?: string): ArchitectureReport | undefined {
  const name = fileName(source);
  if (!name) return undefined;
  for (const dir of folders(extensionPath, cacheDir)) {
    try {
      const report: unknown = JSON.parse(fs.readFileSync(path.join(dir, name), 'utf8'));
      if (isArchitectureReport(report)) return staticPart(report);
    } catch {
      // not there (or damaged): try the next folder
    }
  }
  return undefined;
}

/**
 * Caches the static part of a worker's analysis report (engine and timings removed) in
 * `cacheDir` for the next first picture. Best effort: a failed write is ignored.
 */
export function cacheStaticReport(cacheDir: string, source: XceptionSource, report: ArchitectureReport): void {
  const name = fileName(source);
  if (!name) return;
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    fs.writeFileSync(path.join(cacheDir, name), JSON.stringify(staticPart(report)));
  } catch {
    // the cache is an optimisation only
  }
}
