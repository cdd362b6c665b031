/**
 * Vitest configuration of the latency benchmark (`npm run bench:latency`): test/latency/*.latency.ts
 * measure activation, hover, layout, fail-fast and cancel times and print each against its target.
 * They are not in `npm test`: a time measured on a loaded machine is a benchmark line, not a unit
 * test. `LATENCY_CHECK=1 npm run bench:latency` fails on a missed target.
 */
import { defineConfig } from 'vitest/config';
import base from './vitest.config.mts';

export default defineConfig({
  ...base,
  test: { ...base.test, include: ['test/latency/**/*.latency.ts'] },
});
