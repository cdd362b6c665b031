/**
 * Editor hovers: the layer card when the string under the cursor is exactly the name of a layer of
 * the current report, in JSON (`model.json`, Keras configs: `"name": "block4_sepconv2"`) and in
 * Python, TypeScript and JavaScript (`name='block4_sepconv2'`, `model.get_layer("block4_sepconv2")`).
 *
 * Only string literals count: bare words such as `add` or `predictions` are too common in code to
 * be taken for layer names. The provider reads one line and does one map lookup, so its cost does
 * not grow with the file (see the latency test).
 */
import { layersByName } from '../report/layerIndex';
import * as vscode from 'vscode';
import type { LayerReport } from '../report/schema';
import { layerCardTooltip, type ReportSource } from './tree';

/** Languages the hover is registered for. */
export const HOVER_LANGUAGES = ['json', 'jsonc', 'python', 'typescript', 'typescriptreact', 'javascript', 'javascriptreact'];

/** Longest line the provider looks at (minified files): longer lines get no hover. */
const MAX_LINE_LENGTH = 10_000;

/** A string literal's content on one line: [start, end) columns, quotes excluded. */
export interface StringSpan {
  start: number;
  end: number;
  text: string;
}

/**
 * The string literal (single, double or backtick quotes) that contains column `character` of
 * `line`, quotes included in the hit area. Backslash escapes are skipped; a string left open at the
 * end of the line (a multi-line string) is not matched. Returns undefined outside strings.
 */
export function stringAt(line: string, character: number): StringSpan | undefined {
  let i = 0;
  while (i < line.length) {
    const q = line[i];
    if (q !== '"' && q !== "'" && q !== '`') {
      i++;
      continue;
    }
    const open = i;
    let j = i + 1;
    while (j < line.length && line[j] !== q) j += line[j] === '\\' ? 2 : 1;
    if (j >= line.length) return undefined;
    if (character >= open && character <= j) return { start: open + 1, end: j, text: line.slice(open + 1, j) };
    if (open > character) return undefined;
    i = j + 1;
  }
  return undefined;
}

/** The layer named by the string under the cursor, with the string's columns. */
export function layerAt(byName: Map<string, LayerReport>, line: string, character: number): { layer: LayerReport; span: StringSpan } | undefined {
  if (line.length > MAX_LINE_LENGTH) return undefined;
  const span = stringAt(line, character);
  if (!span || span.text.length === 0) return undefined;
  const layer = byName.get(span.text);
  return layer ? { layer, span } : undefined;
}

/** Hover provider over the session's report (looked up by name, re-indexed when the report changes). */
export class LayerHoverProvider implements vscode.HoverProvider {
  constructor(private readonly source: ReportSource) {}

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    const report = this.source.report;
    if (!report) return undefined;
    const line = document.lineAt(position.line).text;
    const hit = layerAt(layersByName(report), line, position.character);
    if (!hit) return undefined;
    const range = new vscode.Range(position.line, hit.span.start, position.line, hit.span.end);
    return new vscode.Hover(layerCardTooltip(report, hit.layer, this.source.config.flopsConvention), range);
  }
}

/** Registers the hover for the supported languages (any scheme: files, untitled, notebooks). */
export function registerLayerHover(source: ReportSource): vscode.Disposable {
  const selector = HOVER_LANGUAGES.map((language) => ({ language }));
  return vscode.languages.registerHoverProvider(selector, new LayerHoverProvider(source));
}
