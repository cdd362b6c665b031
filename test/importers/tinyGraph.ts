// Tiny TF.js graph models written by the tests (graphModel.test.ts, graphModelRun.test.ts): nodes
// as tensorflowjs_converter writes them, weights in one shard next to the model.json.
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';

/** A node of a tiny graph: `attr` values as the converter writes them. */
export type Node = { name: string; op: string; input?: string[]; attr?: Record<string, unknown> };
export const ints = (...i: number[]) => ({ list: { i: i.map(String) } });
export const str = (s: string) => ({ s: Buffer.from(s).toString('base64') });
export const placeholder = (name: string, dims: number[], dtype = 'DT_FLOAT'): Node => ({ name, op: 'Placeholder', attr: { dtype: { type: dtype }, shape: { shape: { dim: dims.map((d) => ({ size: String(d) })) } } } });
export const constant = (name: string, dtype = 'DT_FLOAT'): Node => ({ name, op: 'Const', attr: { dtype: { type: dtype } } });

/** Writes `name.json` + `name.bin` (float weights value i = i / 1000, int32 weights as given). */
export function writeGraph(dir: string, name: string, nodes: Node[], weights: { name: string; shape: number[]; values?: number[]; dtype?: 'int32' }[], outputs: string[]): string {
  const parts = weights.map((w) => {
    const n = w.shape.reduce((a, b) => a * b, 1);
    return w.dtype === 'int32' ? new Int32Array(w.values!) : Float32Array.from({ length: n }, (_, i) => i / 1000);
  });
  writeFileSync(path.join(dir, `${name}.bin`), Buffer.concat(parts.map((p) => Buffer.from(p.buffer))));
  const inputs = Object.fromEntries(nodes.filter((n) => n.op === 'Placeholder').map((n) => [`${n.name}:0`, { name: `${n.name}:0`, dtype: (n.attr!.dtype as { type: string }).type, tensorShape: (n.attr!.shape as { shape: unknown } | undefined)?.shape }]));
  const json = {
    format: 'graph-model',
    generatedBy: 'test',
    convertedBy: 'test',
    modelTopology: { node: nodes, library: {}, versions: {} },
    signature: { inputs, outputs: Object.fromEntries(outputs.map((o) => [`${o}:0`, { name: `${o}:0`, dtype: 'DT_FLOAT' }])) },
    weightsManifest: [{ paths: [`${name}.bin`], weights: weights.map((w) => ({ name: w.name, shape: w.shape, dtype: w.dtype ?? 'float32' })) }],
  };
  const file = path.join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(json));
  return file;
}
