/**
 * errors.ts on its own: where `findJsonError` finds the first syntax error (offsets and reasons
 * worked out by hand), `lineAndColumn`, `preview` and `describeLocation`.
 */
import { describe, expect, it } from 'vitest';
import { describeLocation, findJsonError, lineAndColumn, parseJson, preview } from '../../src/importers/errors';

describe('findJsonError', () => {
  it.each<[string, number, string]>([
    ['{"a": 1,}', 8, 'unexpected "}", expected a property name in double quotes'],
    ['{,}', 1, 'unexpected ",", expected a property name or "}"'],
    ['[1 2]', 3, 'unexpected "2", expected "," or "]"'],
    ['{"a" 1}', 5, 'unexpected "1", expected ":"'],
    ['{"a": 1 "b": 2}', 8, 'unexpected """, expected "," or "}"'],
    ['[tru]', 1, 'unexpected "t", expected a value'],
    ['[x1]', 1, 'unexpected "x", expected a value'],
    ['"abc', 0, 'unterminated string'],
    ['["a\u0001b"]', 1, 'unterminated string'],
    ['1 2', 2, 'unexpected "2", expected the end of the file'],
    ['{"a": 1}}', 8, 'unexpected "}", expected the end of the file'],
    ['', 0, 'unexpected end of the file, expected a value'],
    ['[1,', 3, 'unexpected end of the file, expected a value'],
    ['{"a": [1, {"b": [}]}', 17, 'unexpected "}", expected a value'],
    ['{"a": {}, "b": [], "c": 1 ]', 26, 'unexpected "]", expected "," or "}"'],
  ])('%j: offset %i, %s', (text, offset, reason) => {
    expect(findJsonError(text)).toEqual({ offset, reason });
  });

  it.each(['{}', '[]', ' [ ] ', '{"a b": " ", "c": 1}', '{"a": [1.55e+33, -0, 2E-22, true, false, null, "x\\"y\\\\"], "b": {"c": {}}}', '\t"\\u00e9"\r\n'])('finds nothing wrong in %j', (text) => {
    expect(findJsonError(text)).toBeUndefined();
    expect(() => JSON.parse(text) as unknown).not.toThrow();
  });

  it('parseJson gives the line and column of the first error', () => {
    expect(() => parseJson('{\n  "a": 1,\n  ]\n}', 'm.json')).toThrow('m.json: not valid JSON at line 3, column 3: unexpected "]", expected a property name in double quotes');
  });
});

describe('lineAndColumn', () => {
  it('counts lines up to the offset (a line break at the offset is not passed yet)', () => {
    expect(lineAndColumn('ab\ncd', 4)).toEqual({ line: 2, column: 2 });
    expect(lineAndColumn('a\nb', 1)).toEqual({ line: 1, column: 2 });
    expect(lineAndColumn('a\nb', 2)).toEqual({ line: 2, column: 1 });
    expect(lineAndColumn('', 0)).toEqual({ line: 1, column: 1 });
  });
});

describe('preview', () => {
  it('shows JSON up to 80 characters, longer cut to 77 and "..."', () => {
    const eighty = 'x'.repeat(78);
    expect(preview(eighty)).toBe(`"${eighty}"`);
    expect(preview(`${eighty}y`)).toBe(`"${'x'.repeat(76)}...`);
    expect(preview(undefined)).toBe('undefined');
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    expect(preview(loop)).toBe('[object Object]');
  });
});

describe('describeLocation', () => {
  it('names the file by its base name, the layer with its class, and the field', () => {
    expect(describeLocation({ file: '/a/b/m.json', layer: 'x', className: 'Conv2D', field: 'f' })).toBe('m.json: layer "x" (Conv2D), field "f": ');
    expect(describeLocation({ layer: 'x' })).toBe('layer "x": ');
    expect(describeLocation({ file: 'm.json' })).toBe('m.json: ');
    expect(describeLocation({})).toBe('');
  });
});
