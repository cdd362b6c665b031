// Static analysis without building (issue 10): analyses VGG16's topology (138,357,544 params,
// Keras Applications' architecture, written here as a Keras config JSON, no weights) with
// `node dist/cli.js --model FILE --no-timing`, in a child process, and prints its wall time and
// peak RSS. Targets: under 2 s and under 300 MB. Run after `npm run build`: `npm run bench:static`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const layers = [{ class_name: 'InputLayer', config: { name: 'input_1', batch_input_shape: [null, 224, 224, 3] } }];
const stages = [[64, 2], [128, 2], [256, 3], [512, 3], [512, 3]];
stages.forEach(([filters, convs], b) => {
  for (let c = 1; c <= convs; c++) layers.push({ class_name: 'Conv2D', config: { name: `block${b + 1}_conv${c}`, filters, kernel_size: [3, 3], padding: 'same', activation: 'relu' } });
  layers.push({ class_name: 'MaxPooling2D', config: { name: `block${b + 1}_pool`, pool_size: [2, 2], strides: [2, 2] } });
});
layers.push({ class_name: 'Flatten', config: { name: 'flatten' } });
for (const [name, units, activation] of [['fc1', 4096, 'relu'], ['fc2', 4096, 'relu'], ['predictions', 1000, 'softmax']]) {
  layers.push({ class_name: 'Dense', config: { name, units, activation } });
}
const dir = mkdtempSync(join(tmpdir(), 'xp-bench-static-'));
try {
  const model = join(dir, 'vgg16.json');
  const out = join(dir, 'report.json');
  writeFileSync(model, JSON.stringify({ class_name: 'Sequential', config: { name: 'vgg16', layers } }));
  const preload = join(dir, 'rss.cjs');
  // The child's own peak (VmHWM): getrusage's maxRSS starts from the parent's RSS at the fork.
  writeFileSync(preload, "process.on('exit', () => process.stderr.write(`\\nVmHWM ${/VmHWM:\\s*(\\d+)/.exec(require('fs').readFileSync('/proc/self/status', 'utf8'))[1]}\\n`));\n");
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, ['--require', preload, join(root, 'dist/cli.js'), '--model', model, '--no-timing', '--quiet', '--json', out], { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.status !== 0) throw new Error(`the CLI failed: ${run.stderr}`);
  const rssMb = Number(/VmHWM (\d+)/.exec(run.stderr)[1]) / 1024;
  const report = JSON.parse(readFileSync(out, 'utf8'));
  const params = report.totals.params.trainable + report.totals.params.nonTrainable;
  console.log(`VGG16 static analysis (--no-timing, no model built): ${report.layers.length} layers, ${params.toLocaleString('en-US')} params, ${report.totals.macs.toLocaleString('en-US')} MACs`);
  console.log(`wall time ${ms.toFixed(0)} ms (target < 2000 ms: ${(ms / 2000).toFixed(2)}x of it); peak RSS ${rssMb.toFixed(0)} MB (target < 300 MB: ${(rssMb / 300).toFixed(2)}x of it)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
