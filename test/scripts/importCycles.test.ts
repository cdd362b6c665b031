import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without type declarations
import { importCycles } from '../../scripts/importCycles.mjs';

const cycles = importCycles as (roots: string[]) => string[][];

describe('importCycles', () => {
  it('finds a cycle through type-only imports and re-exports, and none without one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xp-cycles-'));
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'a.ts'), "import type { B } from './sub/b';\nexport type A = B;\n");
    writeFileSync(join(dir, 'sub', 'b.ts'), "export { c } from '../c';\nexport type B = number;\n");
    writeFileSync(join(dir, 'c.ts'), "import {\n  x,\n} from './d';\nexport const c = x;\n");
    writeFileSync(join(dir, 'd.ts'), "import type { A } from './a';\nexport const x: A | 1 = 1;\n");
    expect(cycles([dir]).map((c) => c.map((f) => f.slice(dir.length + 1)))).toEqual([['a.ts', 'sub/b.ts', 'c.ts', 'd.ts', 'a.ts']]);
    writeFileSync(join(dir, 'd.ts'), 'export const x = 1;\n');
    expect(cycles([dir])).toEqual([]);
  });

  it('src/ and webview/ have no import cycle', () => {
    const root = join(__dirname, '..', '..');
    const found = cycles([join(root, 'src'), join(root, 'webview')]).map((c) => c.map((f) => f.slice(root.length + 1)).join(' -> '));
    expect(found).toEqual([]);
  });
});
