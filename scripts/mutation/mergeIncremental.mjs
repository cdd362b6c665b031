#!/usr/bin/env node
/**
 * Merges Stryker incremental reports (test-results/mutation/incremental.json) of runs made in other
 * worktrees into one, so that the next `npm run test:mutation` reuses all their results:
 *
 *   node scripts/mutation/mergeIncremental.mjs <out.json> <base.json> <other.json>...
 *
 * Per source file, the report with the most mutants detected (killed or timed out): Stryker reuses
 * a result when the mutant's code is unchanged (it diffs the stored source against the file) and,
 * for a killed mutant, its killing test still exists; survivors and mutants without coverage are
 * tested again whenever a new test covers them, so they are worth little. Of equals, one whose
 * stored source is the file on disk now, then the last. Per test file, the last report whose
 * source is the file on disk (else the last that has it).
 * Test ids are only unique within one report: tests are identified by file and name, as Stryker's
 * incremental differ does for tests without a location, and every `killedBy` / `coveredBy`
 * reference is renumbered. What Stryker then reuses, and why, it prints as "Incremental report".
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const [out, ...inputs] = process.argv.slice(2);
if (!out || inputs.length < 2) {
  console.error('usage: node scripts/mutation/mergeIncremental.mjs <out.json> <base.json> <other.json>...');
  process.exit(2);
}
const reports = inputs.map((file) => JSON.parse(readFileSync(file, 'utf8')));
const onDisk = (file) => (existsSync(file) ? readFileSync(file, 'utf8') : undefined);

const detected = (entry) => entry.mutants.filter((m) => m.status === 'Killed' || m.status === 'Timeout').length;

/** The report whose entry for `file` (in `files` or `testFiles`) to take (see above). */
function pick(kind, file) {
  const having = reports.filter((r) => r[kind]?.[file]);
  const disk = onDisk(file);
  const matches = (r) => r[kind][file].source === disk;
  if (kind === 'testFiles') return having.findLast(matches) ?? having.at(-1);
  const rank = (r) => [detected(r.files[file]), matches(r) ? 1 : 0];
  return having.reduce((best, r) => {
    const [d, m] = rank(r);
    const [bd, bm] = rank(best);
    return d > bd || (d === bd && m >= bm) ? r : best;
  });
}

const merged = { ...reports[0], files: {}, testFiles: {} };
// Test ids of the merged report, by `file\nname`; and each report's old id -> that key.
const newIds = new Map();
const keyOfOldId = reports.map((r) => {
  const keys = new Map();
  for (const [file, entry] of Object.entries(r.testFiles ?? {})) for (const t of entry.tests) keys.set(t.id, `${file}\n${t.name}`);
  return keys;
});
const testFileNames = new Set(reports.flatMap((r) => Object.keys(r.testFiles ?? {})));
for (const file of testFileNames) {
  const entry = pick('testFiles', file).testFiles[file];
  merged.testFiles[file] = {
    ...entry,
    tests: entry.tests.map((t) => {
      const id = String(newIds.size);
      newIds.set(`${file}\n${t.name}`, id);
      return { ...t, id };
    }),
  };
}
const counts = reports.map(() => 0);
for (const file of new Set(reports.flatMap((r) => Object.keys(r.files)))) {
  const from = pick('files', file);
  const index = reports.indexOf(from);
  counts[index]++;
  const renumber = (ids) => ids?.map((id) => newIds.get(keyOfOldId[index].get(id))).filter((id) => id !== undefined);
  const entry = from.files[file];
  merged.files[file] = { ...entry, mutants: entry.mutants.map((m) => ({ ...m, killedBy: renumber(m.killedBy), coveredBy: renumber(m.coveredBy) })) };
}
writeFileSync(out, JSON.stringify(merged));
console.log(`${out}: ${Object.keys(merged.files).length} source files (${inputs.map((f, i) => `${counts[i]} from ${f}`).join(', ')}), ${newIds.size} tests in ${testFileNames.size} test files`);
