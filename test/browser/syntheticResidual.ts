// A synthetic ResNet50-shaped report for the layout tests and the latency benchmark
// (test/latency/): 177 layers, 192 edges, no real model behind it.
import type { ArchitectureReport, LayerReport } from '../../src/report/schema';

/**
 * A SYNTHETIC static report shaped like ResNet50 (not a real model): an input, a 6-layer stem,
 * `blocks` residual blocks (3 conv+BN on the main path with 2 ReLUs, the Add and its ReLU: 10
 * layers; every 4th block also has a conv+BN projection shortcut: 12) and a 2-layer head. For 16
 * blocks: 1 + 6 + 4 x 12 + 12 x 10 + 2 = 177 layers, 192 edges, like ResNet50.
 */
export function syntheticResidualReport(blocks: number): ArchitectureReport {
  const layers: LayerReport[] = [];
  const add = (name: string, className: string, block: string, inbound: string[]): string => {
    layers.push({ name, className, kind: 'unknown', label: className, flow: block === 'input' || block === 'stem' || block === 'top' ? block : 'stage', block, inbound, inputShapes: [], outputShape: [null, 8, 8, 8], params: { trainable: 0, nonTrainable: 0 }, macs: 0, flops: 0, tfProfilerFlops: 0, elementwiseOps: 0, activationBytes: 0, weightBytes: 0, config: {} });
    return name;
  };
  let x = add('input_1', 'InputLayer', 'input', []);
  const stem = [['conv1_pad', 'ZeroPadding2D'], ['conv1', 'Conv2D'], ['bn_conv1', 'BatchNormalization'], ['relu1', 'Activation'], ['pool1_pad', 'ZeroPadding2D'], ['pool1', 'MaxPooling2D']];
  for (const [n, c] of stem) x = add(n, c, 'stem', [x]);
  for (let b = 0; b < blocks; b++) {
    const blk = `b${b}`;
    let m = x;
    for (let k = 1; k <= 3; k++) {
      m = add(`${blk}_conv${k}`, 'Conv2D', blk, [m]);
      m = add(`${blk}_bn${k}`, 'BatchNormalization', blk, [m]);
      if (k < 3) m = add(`${blk}_relu${k}`, 'Activation', blk, [m]);
    }
    const s = b % 4 === 0 ? add(`${blk}_bn_sc`, 'BatchNormalization', blk, [add(`${blk}_conv_sc`, 'Conv2D', blk, [x])]) : x;
    x = add(`${blk}_out`, 'Activation', blk, [add(`${blk}_add`, 'Add', blk, [m, s])]);
  }
  add('fc', 'Dense', 'top', [add('avg_pool', 'GlobalAveragePooling2D', 'top', [x])]);
  const names = (b: string): string[] => layers.filter((l) => l.block === b).map((l) => l.name);
  const totals = { layers: 0, params: { trainable: 0, nonTrainable: 0 }, macs: 0, flops: 0, elementwiseOps: 0, activationBytes: 0, weightBytes: 0 };
  const blockNames = [...new Set(layers.map((l) => l.block))];
  return {
    schemaVersion: 1,
    model: { name: 'synthetic-residual', source: 'test', grouping: 'name-prefix', inputShapes: [[null, 8, 8, 8]], outputShapes: [[null, 8, 8, 8]] },
    layers,
    blocks: blockNames.map((b) => ({ name: b, flow: layers.find((l) => l.block === b)!.flow, layers: names(b), totals })),
    flows: [],
    totals,
    diagnostics: [],
    createdAt: '',
  };
}
