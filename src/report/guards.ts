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
