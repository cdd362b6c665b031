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

  /** @param problem what is wrong, without the location (it is prefixed here). */
  constructor(problem: string, location: ModelFileLocation = {}) {
    super(`${describeLocation(location)}${problem}`);
    this.location = location;
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
 * `JSON.parse` with an error that says where: `not valid JSON at line 3, column 17 (...)`.
 * @throws ModelFileError on a syntax error or an empty text.
 */
export function parseJson(text: string, file?: string): unknown {
  if (text.trim() === '') throw new ModelFileError('the file is empty; expected a JSON model', { file });
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // V8 reports "... at position N" (sometimes "(line L column C)" too).
    const position = /position (\d+)/.exec(reason);
    const where = position ? lineAndColumn(text, Number(position[1])) : undefined;
    const at = where ? ` at line ${where.line}, column ${where.column}` : '';
    throw new ModelFileError(`not valid JSON${at} (${reason})`, { file });
  }
}

/** True for a plain JSON object (not null, not an array). */
export function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

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
