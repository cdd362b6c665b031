/**
 * Layer names TF.js refuses, and safe internal names for them.
 *
 * TF.js checks every tensor and weight name against `^[A-Za-z0-9][-A-Za-z0-9._/]*$`
 * (tfjs-layers common.ts `isValidTensorName`) while it builds a model: a Keras layer named
 * `conv 1`, `_stem`, `café` or `a:b` fails there. `/` passes TF.js's check but separates the
 * layer from the weight in weight names (`<layer>/<weight>`) and nested layers in this product's
 * layer paths, so it is renamed too. Keras itself accepts all of these names.
 */
import type { Topology, TopologyLayer } from '../topology';

const SAFE = /^[A-Za-z0-9][-A-Za-z0-9._]*$/;

/** True when TF.js (and this product's paths) take `name` as it is. */
export function isSafeLayerName(name: string): boolean {
  return SAFE.test(name);
}

/**
 * Internal names for the unsafe layer names of a topology and its nested models: the name's
 * letters and digits (accents dropped), `_` for anything else, `l` in front when it does not start
 * with a letter or digit, and `_2`, `_3`... when that is taken anywhere in the model.
 * @returns internal name -> original name (empty when every name is safe).
 */
export function safeNames(topology: Topology): Map<string, string> {
  const all: TopologyLayer[] = [];
  const collect = (t: Topology): void => {
    for (const layer of t.layers) {
      all.push(layer);
      if (layer.model) collect(layer.model);
    }
  };
  collect(topology);
  const taken = new Set(all.map((l) => l.name));
  const internal = new Map<string, string>();
  for (const { name } of all) {
    if (isSafeLayerName(name) || [...internal.values()].includes(name)) continue;
    let base = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^-A-Za-z0-9._]/g, '_');
    if (!/^[A-Za-z0-9]/.test(base)) base = `l${base}`;
    let candidate = base;
    for (let i = 2; taken.has(candidate); i++) candidate = `${base}_${i}`;
    taken.add(candidate);
    internal.set(candidate, name);
  }
  return internal;
}

/** A copy of `topology` with layer names (and the references to them) renamed by `rename`. */
export function renameTopology(topology: Topology, rename: (name: string) => string): Topology {
  const ref = <R extends { layer: string }>(r: R): R => ({ ...r, layer: rename(r.layer) });
  return {
    ...topology,
    layers: topology.layers.map((layer) => ({
      ...layer,
      name: rename(layer.name),
      config: 'name' in layer.config ? { ...layer.config, name: rename(layer.name) } : layer.config,
      calls: layer.calls.map((call) => ({ ...call, inputs: call.inputs.map(ref) })),
      model: layer.model ? renameTopology(layer.model, rename) : undefined,
    })),
    inputs: topology.inputs.map(ref),
    outputs: topology.outputs.map(ref),
  };
}
