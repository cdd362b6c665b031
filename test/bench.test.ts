import { describe, expect, it } from 'vitest';
import { rotation } from '../src/bench';

describe('bench interleaving', () => {
  it('puts three sessions in each of their 6 orders in turn, so none always runs first', () => {
    const orders = Array.from({ length: 6 }, (_, i) => rotation(['bare', 'noSpin', 'plain'], i).join(' '));
    expect(new Set(orders).size).toBe(6);
    expect(rotation(['a', 'b', 'c'], 6)).toEqual(rotation(['a', 'b', 'c'], 0));
    for (const first of ['bare', 'noSpin', 'plain']) expect(orders.filter((o) => o.startsWith(first)).length).toBe(2);
  });
});
