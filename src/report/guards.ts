/** Runtime checks shared by every parser of untrusted data (worker and webview messages, model files). No dependencies. */

/** True for a plain JSON object (not null, not an array). */
export function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** First non-empty line of an error's message, at most 200 characters (for one-line reasons). */
export function shortReason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split('\n').find((l) => l.trim() !== '') ?? text;
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

/**
 * An error's whole message on one line: its non-empty lines trimmed and joined by spaces, at most
 * 2,000 characters. For errors whose point is past the first line, e.g. a native module's
 * "The module '.../tfjs_binding.node' was compiled against a different Node.js version using
 * NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 127. ...".
 */
export function wholeReason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split('\n').map((l) => l.trim()).filter((l) => l !== '').join(' ');
  return line.length > 2000 ? `${line.slice(0, 1997)}...` : line;
}
