// Finds import cycles among TypeScript modules (type-only imports included: they couple files
// too). Usage: node scripts/importCycles.mjs webview [more folders]. Prints each cycle and exits
// 1 when there is one; test/scripts/importCycles.test.ts runs it on src/ and webview/.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/** Every .ts file under `dir`. */
function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Relative imports and re-exports of a file, resolved to .ts paths. */
function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  const out = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gms)) {
    const base = resolve(dirname(file), m[1]);
    out.push(base.endsWith('.ts') ? base : `${base}.ts`);
  }
  return out;
}

/** The cycles of the import graph of `roots`, each as a list of files (first repeated last). */
export function importCycles(roots) {
  const all = roots.flatMap((r) => files(resolve(r)));
  const inside = new Set(all);
  const graph = new Map(all.map((f) => [f, importsOf(f).filter((t) => inside.has(t))]));
  const cycles = [];
  const state = new Map(); // 1 = on the stack, 2 = done
  const stack = [];
  const visit = (f) => {
    state.set(f, 1);
    stack.push(f);
    for (const t of graph.get(f)) {
      if (state.get(t) === 1) cycles.push([...stack.slice(stack.indexOf(t)), t]);
      else if (!state.has(t)) visit(t);
    }
    stack.pop();
    state.set(f, 2);
  };
  for (const f of all) if (!state.has(f)) visit(f);
  return cycles;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const roots = process.argv.slice(2);
  const cycles = importCycles(roots.length ? roots : ['webview']);
  for (const c of cycles) console.log(`cycle: ${c.map((f) => relative(process.cwd(), f)).join(' -> ')}`);
  console.log(`${cycles.length} import cycle${cycles.length === 1 ? '' : 's'} in ${(roots.length ? roots : ['webview']).join(', ')}`);
  process.exit(cycles.length ? 1 : 0);
}
