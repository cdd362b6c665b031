import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../src/report/defaults';

interface SettingSchema {
  default?: unknown;
  enum?: unknown[];
  minimum?: number;
}
const pkg = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, SettingSchema> } | { properties: Record<string, SettingSchema> }[] };
};
const configuration = pkg.contributes.configuration;
const properties: Record<string, SettingSchema> = Object.assign({}, ...(Array.isArray(configuration) ? configuration : [configuration]).map((c) => c.properties));

describe('DEFAULTS', () => {
  it('names exactly the settings package.json contributes', () => {
    expect(Object.keys(properties).map((k) => k.replace(/^xceptionProfiler\./, '')).sort()).toEqual(Object.keys(DEFAULTS).sort());
  });

  it.each(Object.entries(DEFAULTS))('package.json writes the same default for %s', (key, value) => {
    expect(properties[`xceptionProfiler.${key}`].default).toStrictEqual(value);
  });

  it('each default is allowed by its own setting schema', () => {
    for (const [key, value] of Object.entries(DEFAULTS)) {
      const s = properties[`xceptionProfiler.${key}`];
      if (s.enum) expect(s.enum, key).toContain(value);
      if (s.minimum != null) expect(value as number, key).toBeGreaterThanOrEqual(s.minimum);
    }
  });
});
