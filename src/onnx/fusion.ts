/**
 * Which exported nodes (and so which Keras layers) each node of ONNX Runtime's optimised graph
 * computes, read from the two graphs: the exported model and the optimised model ORT saves
 * (`optimizedModelFilePath`). A node's name is not a mapping: with full optimisation ORT fuses
 * Conv + BatchNormalization + Relu (+ Add) into one node, and the NCHWc layout pass renames nodes.
 *
 * How (from the graphs, not from guessing by name):
 * 1. Each optimised node is anchored to the exported tensor it produces: an output that keeps its
 *    exported name (ORT's fusions hand the fused node the output of the last node they absorb);
 *    else, for a node that kept an exported node's name, that node's output; else, for a node of
 *    the NCHWc layout pass (named `<tensor>_nchwc` by ORT's NchwcTransformer), that tensor. A node
 *    that kept an exported node's name and operator also anchors, input by input, the producers
 *    of its inputs to that node's inputs (so an Add fused into a Conv is found from its consumer).
 * 2. Each exported node whose output is an anchor belongs to that anchor's optimised node. An
 *    exported node whose output vanished was absorbed: it belongs to the optimised node that its
 *    consumers lead to (fusion requires a single consumer; several are reported as ambiguous).
 * 3. Optimised nodes without an anchor (ReorderInput / ReorderOutput, layout only) belong to the
 *    layer of the nearest anchored node upstream (downstream for the graph inputs' reorders).
 * Each optimised node is owned by the layer with the most MACs among the layers it covers (the
 * convolution of a Conv + BN + ReLU), else by the first one; a layer that owns no node was
 * "folded into" the owner of the node that computes it.
 */
import type { onnx } from './proto';

/** One optimised node: the Keras layer its time belongs to and what it computes. */
export interface OptimizedNode {
  name: string;
  opType: string;
  /** Layer whose row shows this node's time. */
  owner: string;
  /** Exported nodes this node computes, with their layers and roles (`conv`, `bn`, `activation`...). */
  covers: { node: string; layer: string; role: string }[];
}

export interface FusionMap {
  nodes: Map<string, OptimizedNode>;
  /** Layer -> layer whose node computes it (layers that own no node of their own). */
  foldedInto: Map<string, string>;
  /** Exported nodes that could not be placed (several fused nodes downstream, or none); empty when the mapping is exact. */
  unplaced: string[];
}

interface Exported {
  nodeLayers: Map<string, string>;
  nodeRoles: Map<string, string>;
}

const NCHWC_SUFFIX = '_nchwc';
/** Operators of ORT's NCHWc layout pass that only reorder memory. */
const LAYOUT_OPS = new Set(['ReorderInput', 'ReorderOutput']);

/**
 * Maps the optimised graph's nodes to the exported graph's nodes and Keras layers (see above).
 * @param macs MACs per layer name (from the analysis), to pick each fused node's owner.
 */
export function mapFusions(exportedGraph: onnx.IGraphProto, optimizedGraph: onnx.IGraphProto, exported: Exported, macs: (layer: string) => number): FusionMap {
  const origNodes = exportedGraph.node ?? [];
  const producer = new Map<string, onnx.INodeProto>();
  const consumers = new Map<string, onnx.INodeProto[]>();
  for (const n of origNodes) {
    for (const t of n.output ?? []) producer.set(t, n);
    for (const t of n.input ?? []) consumers.set(t, [...(consumers.get(t) ?? []), n]);
  }
  const origByName = new Map(origNodes.map((n) => [n.name!, n]));

  // 1. anchors: exported tensor -> optimised node name
  const optNodes = optimizedGraph.node ?? [];
  const optProducer = new Map<string, onnx.INodeProto>();
  const optConsumers = new Map<string, onnx.INodeProto[]>();
  for (const n of optNodes) {
    for (const t of n.output ?? []) optProducer.set(t, n);
    for (const t of n.input ?? []) optConsumers.set(t, [...(optConsumers.get(t) ?? []), n]);
  }
  const anchorOf = new Map<string, string>();
  const anchored = new Set<string>();
  const anchor = (tensor: string, optNode: string): void => {
    if (!producer.has(tensor) || anchorOf.has(tensor)) return;
    anchorOf.set(tensor, optNode);
    anchored.add(optNode);
  };
  /** The node computing an optimised tensor, looking through the NCHWc pass's layout reorders. */
  const computedBy = (tensor: string): onnx.INodeProto | undefined => {
    let p = optProducer.get(tensor);
    for (let i = 0; p && LAYOUT_OPS.has(p.opType!) && i < 4; i++) p = optProducer.get(p.input?.[0] ?? '');
    return p;
  };
  for (const n of optNodes) {
    for (const t of n.output ?? []) anchor(t, n.name!);
    const same = origByName.get(n.name!);
    if (same) for (const t of same.output ?? []) anchor(t, n.name!);
    if (n.name!.endsWith(NCHWC_SUFFIX)) anchor(n.name!.slice(0, -NCHWC_SUFFIX.length), n.name!);
  }
  // A node that kept an exported node's name and operator reads what that node read, input by
  // input: the optimised producers of its inputs compute the exported node's inputs. This places
  // an Add the NCHWc pass fused into a Conv (that Conv is named after its BN output, not the Add's).
  for (const n of optNodes) {
    const same = origByName.get(n.name!);
    if (!same || same.opType !== n.opType) continue;
    (n.input ?? []).forEach((t, i) => {
      const p = computedBy(t);
      const orig = same.input?.[i];
      if (p && orig) anchor(orig, p.name!);
    });
  }

  // 2. exported node -> optimised node
  const covers = new Map<string, OptimizedNode['covers']>();
  const unplaced: string[] = [];
  const reached = (n: onnx.INodeProto, seen = new Set<string>()): Set<string> => {
    const out = new Set<string>();
    for (const t of n.output ?? []) {
      const a = anchorOf.get(t);
      if (a) {
        out.add(a);
        continue;
      }
      for (const c of consumers.get(t) ?? []) {
        if (seen.has(c.name!)) continue;
        seen.add(c.name!);
        for (const r of reached(c, seen)) out.add(r);
      }
    }
    return out;
  };
  for (const n of origNodes) {
    const targets = [...reached(n)];
    if (targets.length !== 1) {
      unplaced.push(n.name!);
      continue;
    }
    const list = covers.get(targets[0]) ?? [];
    list.push({ node: n.name!, layer: exported.nodeLayers.get(n.name!) ?? n.name!, role: exported.nodeRoles.get(n.name!) ?? n.opType! });
    covers.set(targets[0], list);
  }

  // Owners of anchored nodes.
  const nodes = new Map<string, OptimizedNode>();
  for (const n of optNodes) {
    const list = covers.get(n.name!);
    if (!list?.length) continue;
    const layers = [...new Set(list.map((c) => c.layer))];
    const owner = layers.reduce((best, l) => (macs(l) > macs(best) ? l : best), layers[0]);
    nodes.set(n.name!, { name: n.name!, opType: n.opType!, owner, covers: list });
  }

  // 3. layout nodes: the owner of the nearest anchored producer upstream, else downstream.
  const ownerNear = (n: onnx.INodeProto, up: boolean, depth = 0): string | undefined => {
    if (depth > 8) return undefined;
    const next = up ? (n.input ?? []).map((t) => optProducer.get(t)).filter((x): x is onnx.INodeProto => !!x) : (n.output ?? []).flatMap((t) => optConsumers.get(t) ?? []);
    for (const m of next) {
      const known = nodes.get(m.name!)?.owner ?? ownerNear(m, up, depth + 1);
      if (known) return known;
    }
    return undefined;
  };
  for (const n of optNodes) {
    if (nodes.has(n.name!) || anchored.has(n.name!)) continue;
    const owner = ownerNear(n, true) ?? ownerNear(n, false);
    if (owner) nodes.set(n.name!, { name: n.name!, opType: n.opType!, owner, covers: [] });
  }

  // Layers that own no node: folded into the owner of a node that covers them.
  const owners = new Set([...nodes.values()].map((n) => n.owner));
  const foldedInto = new Map<string, string>();
  for (const n of nodes.values()) {
    for (const c of n.covers) if (!owners.has(c.layer) && !foldedInto.has(c.layer)) foldedInto.set(c.layer, n.owner);
  }
  return { nodes, foldedInto, unplaced };
}

/**
 * Kernel label of an optimised node: its operator and the roles it computes, e.g.
 * `Conv [pointwise+bn+activation]`, or `ReorderOutput [layout]`.
 */
export function nodeLabel(n: OptimizedNode): string {
  const roles = [...new Set(n.covers.map((c) => c.role))];
  return `${n.opType} [${roles.length ? roles.join('+') : 'layout'}]`;
}
