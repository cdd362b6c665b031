import { describe, expect, it } from 'vitest';
import { describeEngine, resolveEngine, runtimeVersions, shortReason, type PackageLoader } from '../../src/engine/resolve';

/** A loader where the native packages (tfjs-node, tfjs-node-gpu, onnxruntime-node) are absent, as on a machine where their install failed. */
const notInstalled: PackageLoader = (pkg, from) => {
  if (pkg.startsWith('@tensorflow/tfjs-node') || pkg === 'onnxruntime-node') {
    const e = new Error(`Cannot find module '${pkg}'\nRequire stack:\n- ${from ?? 'ext'}`);
    (e as NodeJS.ErrnoException).code = 'MODULE_NOT_FOUND';
    throw e;
  }
  throw new Error(`unexpected package ${pkg}`);
};

/** A stand-in for a native package that loads (tests of the search order only). */
function fakeNativeTf(gpu: boolean) {
  return {
    setBackend: async () => true,
    ready: async () => undefined,
    version_core: '4.22.0',
    backend: () => ({ binding: { isUsingGpuDevice: () => gpu } }),
  };
}

describe('resolveEngine', () => {
  it('falls back to WASM when tfjs-node(-gpu) are not installed, and says why', async () => {
    const { info, tf } = await resolveEngine({ load: notInstalled, threads: 1 });
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(info.skipped.map((s) => s.name)).toEqual(['tensorflow-gpu', 'tensorflow', 'onnxruntime']);
    expect(info.skipped[0].reason).toBe('@tensorflow/tfjs-node-gpu is not installed (looked in the extension)');
    expect(info.why).toMatch(/fastest engine that loaded/);
    expect(describeEngine(info)).toMatch(/skipped tensorflow: @tensorflow\/tfjs-node is not installed/);
  });

  it('names the engine and the whole load error when tfjs-node throws at require time', async () => {
    const broken: PackageLoader = (pkg, from) => {
      if (pkg === 'onnxruntime-node') return notInstalled(pkg, from);
      throw new Error('libtensorflow.so.2: cannot open shared object file: No such file or directory');
    };
    const { info } = await resolveEngine({ engine: 'tensorflow', load: broken, threads: 1 });
    expect(info.name).toBe('wasm');
    expect(info.skipped).toEqual([
      { name: 'tensorflow', reason: '@tensorflow/tfjs-node failed to load: libtensorflow.so.2: cannot open shared object file: No such file or directory (in the extension)' },
      { name: 'onnxruntime', reason: expect.stringMatching(/^onnxruntime-node is not installed \(looked in .*ort or the extension\)$/) },
    ]);
    expect(info.why).toBe('fallback for "tensorflow"; ' + info.why.split('; ').slice(1).join('; '));
  });

  it('uses a copy found in a workspace folder before the extension’s own', async () => {
    const seen: (string | undefined)[] = [];
    const load: PackageLoader = (pkg, from) => {
      seen.push(from);
      if (pkg === '@tensorflow/tfjs-node' && from === '/ws') return fakeNativeTf(false);
      return notInstalled(pkg, from);
    };
    const { info } = await resolveEngine({ searchPaths: ['/ws', '/storage'], load });
    expect(info.name).toBe('tensorflow');
    expect(info.package).toBe('@tensorflow/tfjs-node (/ws)');
    expect(seen).toEqual(['/ws', '/storage', undefined, '/ws']);
  });

  it('takes a copy from the global storage when the workspace has none', async () => {
    const load: PackageLoader = (pkg, from) => (pkg === '@tensorflow/tfjs-node' && from === '/storage' ? fakeNativeTf(false) : notInstalled(pkg, from));
    const { info } = await resolveEngine({ searchPaths: ['/ws', '/storage'], load });
    expect(info.name).toBe('tensorflow');
    expect(info.package).toBe('@tensorflow/tfjs-node (/storage)');
    expect(info.why).toBe('the fastest engine that loaded');
  });

  it('rejects a broken workspace copy with its error, and says so when a later copy loads', async () => {
    const load: PackageLoader = (pkg, from) => {
      if (pkg !== '@tensorflow/tfjs-node') return notInstalled(pkg, from);
      if (from === '/ws') throw new Error('The specified module could not be found.\n\\?\\C:\\ws\\tfjs_binding.node');
      if (from === '/storage') return fakeNativeTf(false);
      return notInstalled(pkg, from);
    };
    const { info } = await resolveEngine({ searchPaths: ['/ws', '/storage'], load });
    expect(info.package).toBe('@tensorflow/tfjs-node (/storage)');
    expect(info.why).toBe('the fastest engine that loaded; rejected a broken copy: The specified module could not be found. \\?\\C:\\ws\\tfjs_binding.node (in /ws)');
  });

  it('keeps an ABI mismatch whole (the versions are past the first line) and records the runtime', async () => {
    // Node's message for a native module built for another Node / Electron.
    const abi = [
      "The module '/ext/node_modules/@tensorflow/tfjs-node/lib/napi-v8/tfjs_binding.node'",
      'was compiled against a different Node.js version using',
      'NODE_MODULE_VERSION 115. This version of Node.js requires',
      'NODE_MODULE_VERSION 127. Please try re-compiling or re-installing',
      'the module (for instance, using `npm rebuild` or `npm install`).',
    ].join('\n');
    const load: PackageLoader = (pkg, from) => {
      if (pkg === '@tensorflow/tfjs-node') throw new Error(abi);
      return notInstalled(pkg, from);
    };
    const { info } = await resolveEngine({ load, threads: 1 });
    expect(info.skipped[1].reason).toContain('NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 127.');
    expect(info.runtime).toEqual(runtimeVersions());
    expect(info.runtime?.modules).toBe(process.versions.modules);
    const text = describeEngine(info);
    expect(text).toContain('requires NODE_MODULE_VERSION 127');
    expect(text).toContain(`runtime: node ${process.versions.node} (NODE_MODULE_VERSION ${process.versions.modules}`);
    expect(runtimeVersions({ ...process.versions, electron: '30.1.2' } as NodeJS.ProcessVersions).electron).toBe('30.1.2');
  });

  it('never labels a CPU run "GPU": tfjs-node-gpu without a GPU device is skipped', async () => {
    const load: PackageLoader = (pkg, from) => (pkg === '@tensorflow/tfjs-node-gpu' ? fakeNativeTf(false) : notInstalled(pkg, from));
    const { info } = await resolveEngine({ load, threads: 1 });
    expect(info.name).toBe('wasm');
    expect(info.skipped[0].reason).toMatch(/placed no op on a GPU/);
  });

  it('takes the plain-JS engine when asked', async () => {
    const { info, tf } = await resolveEngine({ engine: 'cpu', load: notInstalled });
    expect(info.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(info.skipped).toEqual([]);
    expect(info.why).toBe('requested by the user');
  });
});

describe('shortReason', () => {
  it('keeps the first non-empty line, at most 200 characters', () => {
    expect(shortReason(new Error('\nfirst\nsecond'))).toBe('first');
    expect(shortReason('x'.repeat(300))).toHaveLength(200);
  });

  it('auto takes onnxruntime after the TF.js native engines and before WASM, with its execution provider named', async () => {
    const real = require('onnxruntime-node');
    const load: PackageLoader = (pkg, from) => (pkg === 'onnxruntime-node' ? real : notInstalled(pkg, from));
    const { info, ort, tf } = await resolveEngine({ load, threads: 2 });
    expect(info.name).toBe('onnxruntime');
    expect(info.skipped.map((s) => s.name)).toEqual(['tensorflow-gpu', 'tensorflow']);
    expect(ort?.providers.at(-1)).toBe('cpu');
    // No GPU on this machine: the run is on the CPU provider and not labelled GPU.
    expect(info.gpu).toBe(ort?.gpuProvider !== undefined);
    expect(info.backend).toBe(`onnxruntime-${ort?.providers[0]}`);
    expect(info.threads).toBe(2);
    // TF.js (which builds the model and is the correctness reference) runs on its plain-JS backend.
    expect(tf.getBackend()).toBe('cpu');
    expect(describeEngine(info)).toMatch(/^onnxruntime \(2 threads, (cpu|cuda|dml|coreml) provider\) via onnxruntime-node \(.*\) 1\.30\.0/);
  });
});
