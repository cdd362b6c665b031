/**
 * importGraphModel on small graph-model documents: nodes and their producers, inputs and outputs
 * from the signature or the placeholders, control-flow ops, the converter, and each refused node's
 * exact message.
 */
import { describe, expect, it } from 'vitest';
import { ModelFileError } from '../../src/importers/errors';
import { importGraphModel, isGraphModelJson, MAX_GRAPH_NODES } from '../../src/importers/graphModel';

type Json = Record<string, unknown>;
const doc = (node: unknown[], extra: Json = {}): Json => ({ format: 'graph-model', modelTopology: { node }, ...extra });
const x = { name: 'x', op: 'Placeholder' };
const refused = (json: Json): string => {
  try {
    importGraphModel(json, 'g.json');
  } catch (e) {
    expect(e).toBeInstanceOf(ModelFileError);
    return (e as Error).message;
  }
  return 'accepted';
};

describe('importGraphModel', () => {
  it('keeps each node with its producers (output index and control inputs removed) and its attributes', () => {
    const g = importGraphModel(doc([x, { name: 'w', op: 'Const' }, { name: 'split', op: 'Split', input: ['x'] }, { name: 'y', op: 'AddV2', input: ['split:1', '^w', 'x:0', 'a:b'], attr: { T: { type: 'DT_FLOAT' } } }, { name: 'a:b', op: 'Relu', input: ['x'] }]), 'g.json');
    expect(g.nodes).toEqual([
      { name: 'x', op: 'Placeholder', inputs: [], attr: {} },
      { name: 'w', op: 'Const', inputs: [], attr: {} },
      { name: 'split', op: 'Split', inputs: ['x'], attr: {} },
      // "a:b" has no numeric output index after its colon: it is a node name.
      { name: 'y', op: 'AddV2', inputs: ['split', 'x', 'a:b'], attr: { T: { type: 'DT_FLOAT' } } },
      { name: 'a:b', op: 'Relu', inputs: ['x'], attr: {} },
    ]);
    expect([g.format, g.formatDescription, g.file]).toEqual(['tfjs-graph-model', 'TF.js graph model (5 nodes)', 'g.json']);
    // No signature: the placeholders are the inputs; outputs unknown.
    expect(g.inputs).toEqual([{ name: 'x', shape: undefined }]);
    expect(g.outputs).toEqual([]);
    expect([g.controlFlowOps, g.diagnostics, g.weightsManifest]).toEqual([[], [], []]);
  });

  it('strips only a numeric output index: ":0", "a:1x", "a:x1" are node names; "a:12" is output 12 of a', () => {
    const g = importGraphModel(doc([{ name: ':0', op: 'Placeholder' }, { name: 'a', op: 'Relu', input: [':0'] }, { name: 'a:1x', op: 'Relu', input: ['a:12'] }, { name: 'a:x1', op: 'Relu', input: ['a:1x'] }, { name: 'r', op: 'AddV2', input: ['a:x1', 'a:1x:3'] }]), 'g.json');
    expect(g.nodes.map((n) => n.inputs)).toEqual([[], [':0'], ['a'], ['a:1x'], ['a:x1', 'a:1x']]);
    expect(importGraphModel(doc([x], { generatedBy: 5 }), 'g.json').formatDescription).toBe('TF.js graph model (1 nodes)');
  });

  it('takes inputs and outputs from the signature (or the metadata\'s), with their shapes; -1 and missing sizes open', () => {
    const signature = {
      inputs: { 'x:0': { name: 'x:0', tensorShape: { dim: [{ size: '-1' }, { size: '8' }, { size: 3 }, {}] } } },
      outputs: { out: { tensorShape: { dim: [{ size: '0' }] } }, other: { name: 'o' } },
    };
    const g = importGraphModel(doc([x], { signature, convertedBy: 'TensorFlow.js Converter v4.22.0', generatedBy: '2.15.0' }), 'g.json');
    expect(g.inputs).toEqual([{ name: 'x:0', shape: [null, 8, 3, null] }]);
    expect(g.outputs).toEqual([{ name: 'out', shape: [0] }, { name: 'o', shape: undefined }]);
    expect(g.formatDescription).toBe('TF.js graph model (1 nodes, converted by TensorFlow.js Converter v4.22.0)');
    const fromMetadata = importGraphModel(doc([x], { userDefinedMetadata: { signature: { inputs: 5 } }, generatedBy: '2.15.0' }), 'g.json');
    expect([fromMetadata.inputs, fromMetadata.outputs, fromMetadata.formatDescription]).toEqual([[], [], 'TF.js graph model (1 nodes, converted by 2.15.0)']);
  });

  it('names the control-flow ops once each', () => {
    const g = importGraphModel(doc([x, { name: 'a', op: 'Where', input: ['x'] }, { name: 'b', op: 'Where', input: ['a'] }, { name: 'c', op: 'Enter', input: ['b'] }, { name: 'd', op: 'Relu', input: ['c'] }]), 'g.json');
    expect(g.controlFlowOps).toEqual(['Where', 'Enter']);
    expect(g.diagnostics).toEqual([{ severity: 'info', message: 'graph: control-flow ops (Where, Enter) make TF.js run this graph with executeAsync; it is analysed node by node and timed as a whole model' }]);
  });

  it.each<[string, Json, string]>([
    ['no nodes', doc([]), 'g.json: field "modelTopology.node": the graph has no nodes'],
    ['a node that is no object', doc([x, 5]), 'g.json: field "modelTopology.node[1]": expected a node with "name" and "op", got 5'],
    ['an empty name', doc([{ name: '', op: 'Relu' }]), 'g.json: field "modelTopology.node[0]": expected a node with "name" and "op", got {"name":"","op":"Relu"}'],
    ['a name that is no string', doc([{ name: 3, op: 'Relu' }]), 'g.json: field "modelTopology.node[0]": expected a node with "name" and "op", got {"name":3,"op":"Relu"}'],
    ['an empty op', doc([{ name: 'a', op: '' }]), 'g.json: field "modelTopology.node[0]": expected a node with "name" and "op", got {"name":"a","op":""}'],
    ['an input that is no string', doc([x, { name: 'y', op: 'Relu', input: ['x', 3] }]), 'g.json: layer "y" (Relu), field "modelTopology.node[1].input": "input" must be a list of node names, got ["x",3]'],
    ['an input naming no node', doc([x, { name: 'y', op: 'Relu', input: ['z:1'] }]), 'g.json: layer "y" (Relu), field "input": input "z" is not a node of the graph'],
  ])('refuses %s', (_what, json, message) => {
    expect(refused(json)).toBe(message);
  });

  it(`accepts ${MAX_GRAPH_NODES} nodes`, () => {
    const nodes = Array.from({ length: MAX_GRAPH_NODES }, (_, i) => ({ name: `n${i}`, op: 'Const' }));
    expect(importGraphModel(doc(nodes), 'g.json').nodes).toHaveLength(MAX_GRAPH_NODES);
  });

  it('knows a graph model by its format', () => {
    expect(isGraphModelJson({ format: 'graph-model' })).toBe(true);
    expect(isGraphModelJson({ format: 'layers-model' })).toBe(false);
    expect(isGraphModelJson([])).toBe(false);
  });
});
