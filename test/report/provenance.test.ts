/**
 * Provenance in one hop: every numeric field of the report names, in its doc comment (or its
 * interface's), the function that computes it and the test that pins it, and both exist.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..');
const schema = readFileSync(join(ROOT, 'src/report/schema.ts'), 'utf8');

/** A field declared with a numeric type, its doc comment and its interface's doc comment. */
interface NumericField {
  iface: string;
  field: string;
  doc: string;
}

function numericFields(): NumericField[] {
  const out: NumericField[] = [];
  const re = /(\/\*\*(?:(?!\*\/)[\s\S])*\*\/\s*)?export interface (\w+)[^{]*\{([\s\S]*?)\n\}/g;
  for (const m of schema.matchAll(re)) {
    const ifaceDoc = m[1] ?? '';
    const body = m[3];
    const fieldRe = /(\/\*\*(?:(?!\*\/)[\s\S])*\*\/\s*)?\n\s{2}(\w+)\??: ([^\n]*)/g;
    for (const f of body.matchAll(fieldRe)) {
      if (/\bnumber\b/.test(f[3]) && !f[3].startsWith('Record<string, string')) out.push({ iface: m[2], field: f[2], doc: `${f[1] ?? ''}\n${ifaceDoc}` });
    }
  }
  return out;
}

/** The function names a doc comment gives as sources: `name` after "From" / "Computed by" / "from". */
function sources(doc: string): string[] {
  return [...doc.matchAll(/(?:From|from|Computed by|measured by)\s+(?:\*\s+)?`(\w+)`/g)].map((m) => m[1]);
}

function tests(doc: string): string[] {
  return [...doc.matchAll(/(test\/[\w/.-]+\.test\.ts)/g)].map((m) => m[1]);
}

describe('schema provenance', () => {
  const fields = numericFields();

  it('finds the numeric fields (the parser works)', () => {
    expect(fields.map((f) => `${f.iface}.${f.field}`)).toEqual(expect.arrayContaining(['LayerReport.macs', 'Totals.macs', 'LayerTiming.medianMs', 'PassTiming.layerSumMs', 'KernelTiming.calls']));
    expect(fields.length).toBeGreaterThan(40);
  });

  it('every numeric field names the function that computes it and the test that pins it', () => {
    const missing = fields.filter((f) => sources(f.doc).length === 0 || tests(f.doc).length === 0).map((f) => `${f.iface}.${f.field}`);
    expect(missing).toEqual([]);
  });

  it('the named tests exist and the named functions are defined in src/', () => {
    const all = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? all(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
    const code = all(join(ROOT, 'src')).map((f) => readFileSync(f, 'utf8')).join('\n');
    for (const f of fields) {
      for (const t of tests(f.doc)) expect(existsSync(join(ROOT, t)), `${f.iface}.${f.field}: ${t}`).toBe(true);
      for (const s of sources(f.doc)) expect(new RegExp(`function\\*? ${s}\\b`).test(code), `${f.iface}.${f.field}: ${s}`).toBe(true);
    }
  });
});
