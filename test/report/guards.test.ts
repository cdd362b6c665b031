import { describe, expect, it } from 'vitest';
import { isObject, shortReason } from '../../src/report/guards';

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
