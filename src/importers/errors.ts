/**
 * The error every importer throws for a model file it cannot take, and JSON parsing that says
 * where a syntax error is. Messages name the file, the layer and the config field at fault, so
 * that the user can find and fix the line.
 */
import * as path from 'node:path';

/** Where in a model file a problem sits. */
export interface ModelFileLocation {
  /** Path of the model file (the message shows its base name). */
  file?: string;
  /** Keras layer name (nested layers as `outer/inner`). */
  layer?: string;
  /** Keras class name of that layer. */
  className?: string;
  /** Config field or JSON path, e.g. `kernel_size` or `inbound_nodes[0][1]`. */
  field?: string;
}

/**
 * A model file that cannot be analysed: bad JSON, a structure that is not a Keras / TF.js model,
 * a broken graph (missing layers, cycles, wrong nesting) or impossible sizes. `name` is
 * `ModelFileError`, which survives the worker's message passing.
 */
export class ModelFileError extends Error {
  override name = 'ModelFileError';
  readonly location: ModelFileLocation;
  /** What is wrong, without the location. */
  readonly problem: string;

  /** @param problem what is wrong, without the location (it is prefixed here). */
  constructor(problem: string, location: ModelFileLocation = {}) {
    super(`${describeLocation(location)}${problem}`);
    this.location = location;
    this.problem = problem;
  }
}

/** `model.json: layer "conv1" (Conv2D), field "kernel_size": ` (parts left out when unknown). */
export function describeLocation(location: ModelFileLocation): string {
  const parts: string[] = [];
  if (location.layer !== undefined) parts.push(`layer "${location.layer}"${location.className ? ` (${location.className})` : ''}`);
  if (location.field !== undefined) parts.push(`field "${location.field}"`);
  const file = location.file ? `${path.basename(location.file)}: ` : '';
  return `${file}${parts.join(', ')}${parts.length ? ': ' : ''}`;
}

/** Line and column (both 1-based) of a character offset in `text`. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Finds the first JSON syntax error in `text`: its character offset and what was expected. A small
 * iterative scanner (an explicit stack, so no recursion on deeply nested input), run only after
 * `JSON.parse` has failed, because V8's messages do not always give a position.
 */
export function findJsonError(text: string): { offset: number; reason: string } | undefined {
  let i = 0;
  const stack: ('{' | '[')[] = [];
  const ws = (): void => {
    while (i < text.length && ' \t\n\r'.includes(text[i])) i++;
  };
  const got = (): string => (i >= text.length ? 'end of the file' : `"${text[i]}"`);
  const fail = (expected: string): { offset: number; reason: string } => ({ offset: i, reason: `unexpected ${got()}, expected ${expected}` });
  const string = (): boolean => {
    i++;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') i++;
      else if (text.charCodeAt(i) < 0x20) return false;
      i++;
    }
    if (i >= text.length) return false;
    i++;
    return true;
  };
  // After a value: a comma, or the end of the enclosing container (or of the text).
  const afterValue = (): { offset: number; reason: string } | 'value' | 'key' | 'done' => {
    ws();
    const top = stack[stack.length - 1];
    if (!top) return i >= text.length ? 'done' : fail('the end of the file');
    if (text[i] === ',') {
      i++;
      return top === '{' ? 'key' : 'value';
    }
    if (text[i] === (top === '{' ? '}' : ']')) {
      i++;
      stack.pop();
      return afterValue();
    }
    return fail(top === '{' ? '"," or "}"' : '"," or "]"');
  };
  let want: 'value' | 'key' | 'first-key' | 'first-value' = 'value';
  for (;;) {
    ws();
    if (want === 'key' || want === 'first-key') {
      if (want === 'first-key' && text[i] === '}') {
        i++;
        stack.pop();
      } else {
        if (text[i] !== '"' || !string()) return fail(want === 'key' ? 'a property name in double quotes' : 'a property name or "}"');
        ws();
        if (text[i] !== ':') return fail('":"');
        i++;
        want = 'value';
        continue;
      }
    } else if (want === 'first-value' && text[i] === ']') {
      i++;
      stack.pop();
    } else {
      const c = text[i];
      if (c === '{' || c === '[') {
        stack.push(c);
        i++;
        want = c === '{' ? 'first-key' : 'first-value';
        continue;
      }
      if (c === '"') {
        const start = i;
        if (!string()) return { offset: start, reason: 'unterminated string' };
      } else {
        const literal = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i, i + 400));
        if (!literal) return fail('a value');
        i += literal[0].length;
      }
    }
    const next = afterValue();
    if (next === 'done') return undefined;
    if (typeof next === 'object') return next;
    want = next;
  }
}

/**
 * `JSON.parse` with an error that says where: `not valid JSON at line 3, column 17: unexpected
 * "]", expected a value`.
 * @throws ModelFileError on a syntax error or an empty text.
 */
export function parseJson(text: string, file?: string): unknown {
  if (text.trim() === '') throw new ModelFileError('the file is empty; expected a JSON model', { file });
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const found = findJsonError(text);
    if (found) {
      const { line, column } = lineAndColumn(text, found.offset);
      throw new ModelFileError(`not valid JSON at line ${line}, column ${column}: ${found.reason}`, { file });
    }
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new ModelFileError(`not valid JSON (${reason})`, { file });
  }
}

export { isObject } from '../report/guards';

/** A short rendering of a JSON value for messages (at most ~80 characters). */
export function preview(value: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
