// Setup file of the mutation run (vitest.mutation.config.mts), run after Stryker's own before each
// test file. With the kept worker thread (keptThreadPool.mjs) the global that names the active
// mutant survives from the previous run, so code that a test file runs while it is collected
// (before Stryker's beforeAll sets this run's mutant) would see the previous mutant. A new thread
// starts with none: so does this.
import { inject } from 'vitest';

const ns = globalThis[inject('globalNamespace')];
if (ns !== undefined && inject('mode') === 'mutant' && inject('mutantActivation') !== 'static') ns.activeMutant = undefined;
