import { describe, expect, it } from 'vitest';
import { DOWNLOAD_HELP, installPlan, npmFailure, TFJS_VERSION } from '../../src/extension/installEngine';

describe('Install Native Engine', () => {
  it('installs the pinned version into the given folder and allows its install script', () => {
    const plan = installPlan('@tensorflow/tfjs-node', '/storage');
    expect(plan.cwd).toBe('/storage');
    expect(plan.args).toContain('@tensorflow/tfjs-node@4.22.0');
    expect(plan.args).toContain('--foreground-scripts');
    expect(plan.packageJson).toMatchObject({ private: true, allowScripts: { '@tensorflow/tfjs-node': true } });
    expect(TFJS_VERSION).toBe(require('../../package.json').dependencies['@tensorflow/tfjs']);
  });

  it("quotes npm's own error lines and names the documented mirror variables", () => {
    const output = [
      '> @tensorflow/tfjs-node@4.22.0 install',
      '> node scripts/install.js',
      'CPU-linux-4.22.0.tar.gz',
      '* Downloading libtensorflow',
      'Error: getaddrinfo ENOTFOUND storage.googleapis.com',
      'npm error code 1',
      'npm error path /storage/node_modules/@tensorflow/tfjs-node',
    ].join('\n');
    expect(npmFailure(output)).toBe('Error: getaddrinfo ENOTFOUND storage.googleapis.com\nnpm error code 1\nnpm error path /storage/node_modules/@tensorflow/tfjs-node');
    expect(DOWNLOAD_HELP).toMatch(/TFJS_NODE_CDN_STORAGE/);
    expect(DOWNLOAD_HELP).toMatch(/TFJS_NODE_BASE_URI/);
  });
});
