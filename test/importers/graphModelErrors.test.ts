// Every ModelFileError of the graph-model and ONNX readers, and of the entry points that take one
// kind of file only, reached by a small file written here, with its exact message.
import * as tf from '@tensorflow/tfjs';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModelFileError } from '../../src/importers/errors';
import { MAX_GRAPH_NODES } from '../../src/importers/graphModel';
import { loadGraphModelFile } from '../../src/importers/graphModelLoad';
import { importModelBytes, loadModelFile, readModelFile } from '../../src/importers/modelFile';
import { loadOnnxFile } from '../../src/importers/onnxLoad';
import { encodeModel } from '../../src/onnx/proto';

let dir: string;
const at = (name: string): string => path.join(dir, name);
const graph = (node: unknown, extra: Record<string, unknown> = {}): string => JSON.stringify({ format: 'graph-model', modelTopology: { node }, ...extra });
const placeholder = { name: 'x', op: 'Placeholder' };
const kerasJson = JSON.stringify({ class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'd', units: 2, batch_input_shape: [null, 3] } }] } });

/** The message `run` fails with; it must be a ModelFileError. */
async function message(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(ModelFileError);
    return (error as Error).message;
  }
  return 'no error';
}

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'graph-errors-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('TF.js graph models: each broken part named', () => {
  it.each<[string, string, string]>([
    ['no-graphdef.json', JSON.stringify({ format: 'graph-model', modelTopology: { versions: {} } }), 'no-graphdef.json: field "modelTopology": expected a GraphDef with a "node" list, got {"versions":{}}'],
    ['no-op.json', graph([placeholder, { name: 'y', input: ['x'] }]), 'no-op.json: field "modelTopology.node[1]": expected a node with "name" and "op", got {"name":"y","input":["x"]}'],
    ['input-not-a-list.json', graph([placeholder, { name: 'y', op: 'Relu', input: 'x' }]), 'input-not-a-list.json: layer "y" (Relu), field "modelTopology.node[1].input": "input" must be a list of node names, got "x"'],
    ['duplicate.json', graph([placeholder, { name: 'x', op: 'Relu', input: [] }]), 'duplicate.json: layer "x" (Relu), field "name": two nodes have this name'],
    [
      'orphan-weight.json',
      graph([placeholder, { name: 'y', op: 'Relu', input: ['x'] }], { weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'gone/kernel', shape: [2], dtype: 'float32' }] }] }),
      'orphan-weight.json: field "weightsManifest": weight "gone/kernel" is not a node of the graph',
    ],
  ])('%s', async (name, text, expected) => {
    writeFileSync(at(name), text);
    expect(await message(() => readModelFile(at(name)))).toBe(expected);
  });

  it('a weight dtype TF.js cannot decode: named when TF.js loads the graph', async () => {
    const constant = { name: 'w', op: 'Const', attr: { value: { tensor: { dtype: 'DT_FLOAT', tensorShape: { dim: [{ size: '4' }] } } }, dtype: { type: 'DT_FLOAT' } } };
    const nodes = [{ ...placeholder, attr: { dtype: { type: 'DT_FLOAT' } } }, constant, { name: 'y', op: 'AddV2', input: ['x', 'w'] }];
    writeFileSync(at('banana.json'), graph(nodes, { weightsManifest: [{ paths: ['w.bin'], weights: [{ name: 'w', shape: [4], dtype: 'banana' }] }] }));
    expect(await message(() => loadGraphModelFile(tf, at('banana.json'), { loadWeights: false }))).toBe("banana.json: TF.js could not load the graph: Unsupported dtype in weight 'w': banana");
  });

  it(`more than ${MAX_GRAPH_NODES.toLocaleString('en-US')} nodes are refused before anything is built`, async () => {
    const nodes = Array.from({ length: MAX_GRAPH_NODES + 1 }, (_, i) => ({ name: `n${i}`, op: 'Const' }));
    writeFileSync(at('huge.json'), graph(nodes));
    expect(await message(() => readModelFile(at('huge.json')))).toBe(`huge.json: field "modelTopology.node": has ${MAX_GRAPH_NODES + 1} nodes, more than the ${MAX_GRAPH_NODES} accepted`);
  });
});

describe('ONNX files', () => {
  it('a model without graph nodes', async () => {
    writeFileSync(at('empty.onnx'), encodeModel({ irVersion: 8, graph: { name: 'g', node: [] } }));
    expect(await message(() => readModelFile(at('empty.onnx')))).toBe('empty.onnx: field "graph.node": the ONNX model has no graph nodes');
  });
});

describe('entry points that take one kind of file', () => {
  beforeAll(() => {
    writeFileSync(at('graph.json'), graph([placeholder, { name: 'y', op: 'Relu', input: ['x'] }]));
    writeFileSync(at('keras.json'), kerasJson);
  });

  it('a graph model given to the Keras readers', async () => {
    expect(await message(() => importModelBytes(Buffer.from(graph([placeholder])), 'graph.json'))).toBe('graph.json: a TF.js graph model has nodes, not a Keras topology; read it with readModelFile');
    expect(await message(() => loadModelFile(tf, at('graph.json')))).toBe(
      'graph.json: is a graph of nodes (TF.js graph model (2 nodes)), not a Keras model: load it with graphModelLoad.ts / onnxLoad.ts',
    );
  });

  it('a Keras model given to the graph-model and ONNX loaders', async () => {
    expect(await message(() => loadGraphModelFile(tf, at('keras.json')))).toBe('keras.json: field "format": is not a TF.js graph model ("format": "graph-model")');
    expect(await message(() => loadOnnxFile(undefined, at('keras.json')))).toBe('keras.json: is not an ONNX model (.onnx)');
  });
});
