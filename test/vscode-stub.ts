/**
 * A small stand-in for the `vscode` module, for unit tests of the extension's views and commands
 * (vitest aliases `vscode` to this file in vitest.config.mts). It implements only what the
 * extension calls, with plain data, and records what was registered, shown and written in `stub`.
 * The integration and e2e suites run against real VS Code instead.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */

type Listener<T> = (e: T) => unknown;

export class Disposable {
  constructor(private readonly onDispose: () => void = () => undefined) {}
  static from(...items: { dispose(): unknown }[]): Disposable {
    return new Disposable(() => items.forEach((d) => d.dispose()));
  }
  dispose(): void {
    this.onDispose();
  }
}

export type Event<T> = (listener: Listener<T>) => Disposable;

export class EventEmitter<T> {
  private listeners = new Set<Listener<T>>();
  readonly event: Event<T> = (listener) => {
    this.listeners.add(listener);
    return new Disposable(() => this.listeners.delete(listener));
  };
  fire(e: T): void {
    for (const l of [...this.listeners]) l(e);
  }
  dispose(): void {
    this.listeners.clear();
  }
}

export class Position {
  constructor(readonly line: number, readonly character: number) {}
  isBefore(other: Position): boolean {
    return this.line < other.line || (this.line === other.line && this.character < other.character);
  }
}

export class Range {
  readonly start: Position;
  readonly end: Position;
  constructor(startLine: number | Position, startCharacter: number | Position, endLine?: number, endCharacter?: number) {
    if (startLine instanceof Position && startCharacter instanceof Position) {
      this.start = startLine;
      this.end = startCharacter;
    } else {
      this.start = new Position(startLine as number, startCharacter as number);
      this.end = new Position(endLine!, endCharacter!);
    }
  }
  contains(p: Position): boolean {
    return !p.isBefore(this.start) && !this.end.isBefore(p);
  }
}

export class MarkdownString {
  isTrusted?: boolean | { readonly enabledCommands: readonly string[] };
  supportThemeIcons?: boolean;
  constructor(public value = '') {}
  appendMarkdown(text: string): this {
    this.value += text;
    return this;
  }
}

export class Hover {
  constructor(readonly contents: MarkdownString, readonly range?: Range) {}
}

export enum InlayHintKind {
  Type = 1,
  Parameter = 2,
}

export class InlayHint {
  paddingLeft?: boolean;
  paddingRight?: boolean;
  tooltip?: string | MarkdownString;
  constructor(readonly position: Position, readonly label: string, readonly kind?: InlayHintKind) {}
}

export enum TreeItemCollapsibleState {
  None = 0,
  Collapsed = 1,
  Expanded = 2,
}

export class ThemeIcon {
  constructor(readonly id: string, readonly color?: ThemeColor) {}
}

export class ThemeColor {
  constructor(readonly id: string) {}
}

export class TreeItem {
  id?: string;
  description?: string;
  tooltip?: string | MarkdownString;
  contextValue?: string;
  iconPath?: ThemeIcon;
  command?: unknown;
  constructor(readonly label: string, readonly collapsibleState: TreeItemCollapsibleState = TreeItemCollapsibleState.None) {}
}

export enum StatusBarAlignment {
  Left = 1,
  Right = 2,
}

export enum ProgressLocation {
  SourceControl = 1,
  Window = 10,
  Notification = 15,
}

export enum ViewColumn {
  Active = -1,
  Beside = -2,
  One = 1,
}

export enum ExtensionMode {
  Production = 1,
  Development = 2,
  Test = 3,
}

export class Uri {
  private constructor(readonly scheme: string, readonly path: string) {}
  static file(p: string): Uri {
    return new Uri('file', p.replace(/\\/g, '/'));
  }
  static parse(s: string): Uri {
    const m = /^([a-z][\w+.-]*):(?:\/\/)?(.*)$/i.exec(s);
    return m ? new Uri(m[1], m[2].startsWith('/') ? m[2] : `/${m[2]}`) : new Uri('file', s);
  }
  static joinPath(base: Uri, ...parts: string[]): Uri {
    return new Uri(base.scheme, [base.path.replace(/\/$/, ''), ...parts].join('/'));
  }
  get fsPath(): string {
    return this.path;
  }
  toString(): string {
    return `${this.scheme}://${this.path}`;
  }
}

/** A text document over a string (`createTextDocument`). */
export interface StubTextDocument {
  uri: Uri;
  languageId: string;
  lineCount: number;
  getText(): string;
  lineAt(line: number): { text: string; lineNumber: number };
  positionAt(offset: number): Position;
  offsetAt(position: Position): number;
}

/** Builds a text document of `text` in `languageId` (for hover and inlay-hint providers). */
export function createTextDocument(text: string, languageId: string, path = `/workspace/file.${languageId}`): StubTextDocument {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const lines = text.split('\n').map((l) => l.replace(/\r$/, ''));
  return {
    uri: Uri.file(path),
    languageId,
    lineCount: lines.length,
    getText: () => text,
    lineAt: (line) => {
      if (line < 0 || line >= lines.length) throw new RangeError(`line ${line} out of range`);
      return { text: lines[line], lineNumber: line };
    },
    positionAt: (offset) => {
      let lo = 0;
      let hi = lineStarts.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (lineStarts[mid] <= offset) lo = mid;
        else hi = mid - 1;
      }
      return new Position(lo, offset - lineStarts[lo]);
    },
    offsetAt: (p) => lineStarts[p.line] + p.character,
  };
}

/** A status bar item that records its state. */
export interface StubStatusBarItem {
  id: string;
  alignment: StatusBarAlignment;
  priority?: number;
  name?: string;
  text: string;
  tooltip?: string | MarkdownString;
  command?: string;
  visible: boolean;
  show(): void;
  hide(): void;
  dispose(): void;
}

/** A tree view that records reveals. */
export interface StubTreeView<T> {
  id: string;
  treeDataProvider: any;
  message?: string;
  description?: string;
  revealed: { element: T; options: unknown }[];
  reveal(element: T, options?: unknown): Promise<void>;
  dispose(): void;
}

interface ConfigChange {
  affectsConfiguration(section: string): boolean;
}

const configChanged = new EventEmitter<ConfigChange>();

/** What the extension registered, showed and wrote; the answers dialogs will give. Reset with `stub.reset()`. */
export const stub = {
  settings: new Map<string, unknown>(),
  commands: new Map<string, (...args: any[]) => unknown>(),
  hoverProviders: [] as { selector: unknown; provider: any }[],
  inlayHintsProviders: [] as { selector: unknown; provider: any }[],
  treeViews: new Map<string, StubTreeView<any>>(),
  statusBarItems: [] as StubStatusBarItem[],
  outputLines: [] as string[],
  messages: [] as { level: 'info' | 'error' | 'warning'; text: string }[],
  /** The action titles offered with each message of \`messages\` (same index). */
  messageActions: [] as string[][],
  clipboard: '',
  writtenFiles: new Map<string, string>(),
  executed: [] as { command: string; args: unknown[] }[],
  /** Messages posted to webview panels, in order. */
  posted: [] as unknown[],
  panels: [] as any[],
  /** Context keys set with \`setContext\` (for \`when\` clauses). */
  context: new Map<string, unknown>(),
  /** Answer the next warning/information/error message returns (an action's title; undefined: dismissed). */
  messageAnswer: undefined as string | undefined,
  /** Label of the quick-pick item to choose (undefined: cancel). */
  quickPickAnswer: undefined as string | undefined,
  /** Path the save dialog returns (undefined: cancel). */
  saveDialogAnswer: undefined as string | undefined,
  /** Sets `section.key` (e.g. `xceptionProfiler.hints.enabled`) and fires onDidChangeConfiguration. */
  setConfiguration(key: string, value: unknown): void {
    if (value === undefined) this.settings.delete(key);
    else this.settings.set(key, value);
    configChanged.fire({ affectsConfiguration: (section: string) => key === section || key.startsWith(`${section}.`) });
  },
  reset(): void {
    this.settings.clear();
    this.commands.clear();
    this.hoverProviders = [];
    this.inlayHintsProviders = [];
    this.treeViews.clear();
    this.statusBarItems = [];
    this.outputLines = [];
    this.messages = [];
    this.messageActions = [];
    this.clipboard = '';
    this.writtenFiles.clear();
    this.executed = [];
    this.context.clear();
    this.posted = [];
    this.panels = [];
    this.messageAnswer = undefined;
    this.quickPickAnswer = undefined;
    this.saveDialogAnswer = undefined;
  },
};

export const workspace = {
  workspaceFolders: undefined as { uri: Uri; name: string; index: number }[] | undefined,
  getConfiguration(section?: string) {
    const key = (k: string): string => (section ? `${section}.${k}` : k);
    return {
      get<T>(k: string, defaultValue?: T): T | undefined {
        return stub.settings.has(key(k)) ? (stub.settings.get(key(k)) as T) : defaultValue;
      },
      has: (k: string) => stub.settings.has(key(k)),
      update: async (k: string, v: unknown) => stub.setConfiguration(key(k), v),
    };
  },
  onDidChangeConfiguration: configChanged.event,
  /** Path relative to the first workspace folder containing it, else the path itself. */
  asRelativePath(pathOrUri: string | Uri): string {
    const p = typeof pathOrUri === 'string' ? pathOrUri : pathOrUri.fsPath;
    for (const f of workspace.workspaceFolders ?? []) {
      const root = f.uri.fsPath.replace(/\/$/, '');
      if (p.startsWith(`${root}/`)) return p.slice(root.length + 1);
    }
    return p;
  },
  fs: {
    async writeFile(uri: Uri, content: Uint8Array): Promise<void> {
      stub.writtenFiles.set(uri.path, Buffer.from(content).toString('utf8'));
    },
  },
};

export const window = {
  createOutputChannel(name: string) {
    return {
      name,
      appendLine: (line: string) => stub.outputLines.push(line),
      append: (text: string) => stub.outputLines.push(text),
      show: () => undefined,
      dispose: () => undefined,
    };
  },
  createTreeView<T>(id: string, options: { treeDataProvider: unknown }): StubTreeView<T> {
    const view: StubTreeView<T> = {
      id,
      treeDataProvider: options.treeDataProvider,
      revealed: [],
      async reveal(element, revealOptions) {
        view.revealed.push({ element, options: revealOptions });
      },
      dispose: () => stub.treeViews.delete(id),
    };
    stub.treeViews.set(id, view);
    return view;
  },
  createStatusBarItem(id: string, alignment: StatusBarAlignment, priority?: number): StubStatusBarItem {
    const item: StubStatusBarItem = {
      id,
      alignment,
      priority,
      text: '',
      visible: false,
      show: () => void (item.visible = true),
      hide: () => void (item.visible = false),
      dispose: () => void (item.visible = false),
    };
    stub.statusBarItems.push(item);
    return item;
  },
  registerWebviewPanelSerializer: () => new Disposable(),
  /** A webview panel that records what the extension posts to it (\`stub.posted\`). */
  createWebviewPanel(viewType: string, title: string) {
    const disposed = new EventEmitter<void>();
    const received = new EventEmitter<unknown>();
    const viewState = new EventEmitter<unknown>();
    const panel = {
      viewType,
      title,
      visible: true,
      iconPath: undefined as unknown,
      webview: {
        html: '',
        options: {},
        cspSource: 'vscode-resource:',
        asWebviewUri: (u: Uri) => u,
        postMessage: async (m: unknown) => {
          stub.posted.push(m);
          return true;
        },
        onDidReceiveMessage: received.event,
        /** Test hook: a message from the webview. */
        receive: (m: unknown) => received.fire(m),
      },
      onDidDispose: disposed.event,
      onDidChangeViewState: viewState.event,
      reveal: () => undefined,
      // As in VS Code: disposing twice (the panel's own onDidDispose handler disposes it) fires once.
      dispose: () => {
        if (panel.disposed) return;
        panel.disposed = true;
        disposed.fire();
      },
      disposed: false,
    };
    stub.panels.push(panel);
    return panel;
  },
  async showInformationMessage(text: string, ...items: string[]): Promise<string | undefined> {
    stub.messages.push({ level: 'info', text });
    stub.messageActions.push(items);
    return items.includes(stub.messageAnswer ?? '') ? stub.messageAnswer : undefined;
  },
  async showWarningMessage(text: string, ...items: string[]): Promise<string | undefined> {
    stub.messages.push({ level: 'warning', text });
    stub.messageActions.push(items);
    return items.includes(stub.messageAnswer ?? '') ? stub.messageAnswer : undefined;
  },
  async showErrorMessage(text: string, ...items: string[]): Promise<string | undefined> {
    stub.messages.push({ level: 'error', text });
    stub.messageActions.push(items);
    return items.includes(stub.messageAnswer ?? '') ? stub.messageAnswer : undefined;
  },
  async showQuickPick<T extends { label: string }>(items: T[] | Promise<T[]>): Promise<T | undefined> {
    return (await items).find((i) => i.label === stub.quickPickAnswer);
  },
  async showSaveDialog(): Promise<Uri | undefined> {
    return stub.saveDialogAnswer === undefined ? undefined : Uri.file(stub.saveDialogAnswer);
  },
  setStatusBarMessage: () => new Disposable(),
  async withProgress<R>(_options: unknown, task: (progress: { report(v: unknown): void }, token: unknown) => Promise<R>): Promise<R> {
    return task({ report: () => undefined }, { isCancellationRequested: false, onCancellationRequested: () => new Disposable() });
  },
};

export const commands = {
  registerCommand(id: string, handler: (...args: any[]) => unknown): Disposable {
    stub.commands.set(id, handler);
    return new Disposable(() => stub.commands.delete(id));
  },
  async executeCommand(command: string, ...args: unknown[]): Promise<unknown> {
    if (command === 'setContext') {
      stub.context.set(args[0] as string, args[1]);
      return undefined;
    }
    stub.executed.push({ command, args });
    return stub.commands.get(command)?.(...args);
  },
};

export const languages = {
  registerHoverProvider(selector: unknown, provider: unknown): Disposable {
    const entry = { selector, provider };
    stub.hoverProviders.push(entry);
    return new Disposable(() => (stub.hoverProviders = stub.hoverProviders.filter((e) => e !== entry)));
  },
  registerInlayHintsProvider(selector: unknown, provider: unknown): Disposable {
    const entry = { selector, provider };
    stub.inlayHintsProviders.push(entry);
    return new Disposable(() => (stub.inlayHintsProviders = stub.inlayHintsProviders.filter((e) => e !== entry)));
  },
};

export const env = {
  clipboard: {
    async writeText(text: string): Promise<void> {
      stub.clipboard = text;
    },
    async readText(): Promise<string> {
      return stub.clipboard;
    },
  },
};
