import { describe, expect, it } from 'vitest';
import { isObject, shortReason, wholeReason } from '../../src/report/guards';

describe('isObject', () => {
  it('accepts plain objects only', () => {
    expect(isObject({})).toBe(true);
    expect(isObject({ a: 1 })).toBe(true);
    expect(isObject(null)).toBe(false);
    expect(isObject([])).toBe(false);
    expect(isObject('x')).toBe(false);
    expect(isObject(1)).toBe(false);
    expect(isObject(undefined)).toBe(false);
  });
});

describe('shortReason', () => {
  it("keeps an error's first non-empty line", () => {
    expect(shortReason(new Error('\n  \nfirst line\nsecond line'))).toBe('first line');
    expect(shortReason('plain text')).toBe('plain text');
  });
  it('cuts a long line at 200 characters with an ellipsis', () => {
    const r = shortReason(new Error('x'.repeat(300)));
    expect(r).toHaveLength(200);
    expect(r.endsWith('...')).toBe(true);
    expect(shortReason(new Error('y'.repeat(200)))).toBe('y'.repeat(200));
  });
});

describe('wholeReason', () => {
  it('joins the non-empty lines, trimmed, with one space', () => {
    expect(wholeReason(new Error("The module 'x.node'\n  was compiled against NODE_MODULE_VERSION 115.\n\n   This version requires 127.  "))).toBe(
      "The module 'x.node' was compiled against NODE_MODULE_VERSION 115. This version requires 127.",
    );
    expect(wholeReason('plain text')).toBe('plain text');
    expect(wholeReason(42)).toBe('42');
  });
  it('keeps 2,000 characters whole and cuts longer ones to 1,997 and "..."', () => {
    expect(wholeReason('a'.repeat(2000))).toBe('a'.repeat(2000));
    expect(wholeReason('b'.repeat(2001))).toBe(`${'b'.repeat(1997)}...`);
  });
});
