/**
 * Shape hints in Python Keras code: after each layer construction whose `name=` is a string literal
 * naming a layer of the current report, an inlay hint `-> (None, 37, 37, 728) · 734.5M MACs`.
 * Off by default (`xceptionProfiler.hints.enabled`): hints change how every Keras file looks, so
 * they are opt-in. Names built at run time (`name=prefix + "_sepconv1"`) get no hint.
 */
import { layersByName } from '../report/layerIndex';
import * as vscode from 'vscode';
import { shapeHintLabel } from '../report/layerCard';
import { layerCardTooltip, type ReportSource } from './tree';

/** One `name='...'` keyword argument and where its call ends. */
export interface LayerConstruction {
  name: string;
  /** Offset of the name's first character (inside the quotes). */
  nameOffset: number;
  /**
   * Offset just after the call: after the constructor's closing parenthesis, or after the
   * application that follows it (`Conv2D(..., name='x')(inputs)`).
   */
  endOffset: number;
}

/** How far a call may extend past its `name=` argument, characters (bounds the scan). */
const MAX_CALL_TAIL = 4000;

// `name=` as a keyword argument (not `obj.name = ...`, not `name ==`).
const NAME_ARGUMENT = /(?<![.\w])name\s*=\s*(?:[rRuU])?(['"])([^'"\\\r\n]+)\1/g;

/**
 * Offset after the closing bracket that balances the brackets from `from` on (depth 0 at `from`),
 * skipping Python strings and comments; -1 when the text ends or `MAX_CALL_TAIL` is exceeded first.
 * @param close the closing character that ends the scan at depth 0 (`)`).
 */
function scanToClose(text: string, from: number, close: string): number {
  let depth = 0;
  const limit = Math.min(text.length, from + MAX_CALL_TAIL);
  for (let i = from; i < limit; i++) {
    const c = text[i];
    if (c === '#') {
      while (i < limit && text[i] !== '\n') i++;
    } else if (c === '"' || c === "'") {
      const triple = text.startsWith(c.repeat(3), i);
      const end = triple ? text.indexOf(c.repeat(3), i + 3) : -1;
      if (triple) {
        if (end < 0) return -1;
        i = end + 2;
        continue;
      }
      i++;
      while (i < limit && text[i] !== c && text[i] !== '\n') i += text[i] === '\\' ? 2 : 1;
    } else if (c === '(' || c === '[' || c === '{') {
      depth++;
    } else if (c === ')' || c === ']' || c === '}') {
      if (depth === 0) return c === close ? i + 1 : -1;
      depth--;
    }
  }
  return -1;
}

/**
 * Finds the `name='...'` arguments of calls whose name `isLayer` accepts, with the offset where
 * each call ends (see `LayerConstruction`). Calls that are not closed are skipped.
 */
export function findLayerConstructions(text: string, isLayer: (name: string) => boolean): LayerConstruction[] {
  const found: LayerConstruction[] = [];
  NAME_ARGUMENT.lastIndex = 0;
  for (let m = NAME_ARGUMENT.exec(text); m; m = NAME_ARGUMENT.exec(text)) {
    const name = m[2];
    if (!isLayer(name)) continue;
    let end = scanToClose(text, m.index + m[0].length, ')');
    if (end < 0) continue;
    // Functional API: the layer is applied right away, `Layer(...)(x)`; the hint goes after that.
    let next = end;
    while (text[next] === ' ' || text[next] === '\t') next++;
    if (text[next] === '(') {
      const applied = scanToClose(text, next + 1, ')');
      if (applied > 0) end = applied;
    }
    found.push({ name, nameOffset: m.index + m[0].indexOf(m[1]) + 1, endOffset: end });
  }
  return found;
}

/** Inlay hints provider for Python documents. */
export class ShapeHintsProvider implements vscode.InlayHintsProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeInlayHints = this.changed.event;
  private readonly subscription: vscode.Disposable;
  private readonly layerOf = new WeakMap<vscode.InlayHint, string>();

  constructor(private readonly source: ReportSource & { readonly config: { readonly hintsEnabled: boolean } }) {
    // Hints show shapes and compute only: a new report changes them, live timings do not.
    this.subscription = source.onDidChange((e) => {
      if (e.kind === 'report') this.changed.fire();
    });
  }

  /** Asks the editor to query the hints again (after a settings change). */
  refresh(): void {
    this.changed.fire();
  }

  provideInlayHints(document: vscode.TextDocument, range: vscode.Range): vscode.InlayHint[] {
    const report = this.source.report;
    if (!report || !this.source.config.hintsEnabled) return [];
    const byName = layersByName(report);
    const convention = this.source.config.flopsConvention;
    const hints: vscode.InlayHint[] = [];
    for (const c of findLayerConstructions(document.getText(), (n) => byName.has(n))) {
      const position = document.positionAt(c.endOffset);
      if (!range.contains(position)) continue;
      const layer = byName.get(c.name)!;
      const hint = new vscode.InlayHint(position, shapeHintLabel(layer, convention), vscode.InlayHintKind.Type);
      hint.paddingLeft = true;
      this.layerOf.set(hint, layer.name);
      hints.push(hint);
    }
    return hints;
  }

  /** The tooltip (a full layer card) is built only for the hint the user hovers. */
  resolveInlayHint(hint: vscode.InlayHint): vscode.InlayHint {
    const report = this.source.report;
    const name = this.layerOf.get(hint);
    const layer = report && name !== undefined ? layersByName(report).get(name) : undefined;
    if (report && layer) hint.tooltip = layerCardTooltip(report, layer, this.source.config.flopsConvention);
    return hint;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/** Registers the shape hints for Python. */
export function registerShapeHints(provider: ShapeHintsProvider): vscode.Disposable {
  return vscode.languages.registerInlayHintsProvider({ language: 'python' }, provider);
}
