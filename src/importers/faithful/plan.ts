/**
 * What TF.js is given to build a checked import so that it computes what Keras computes: the
 * Keras JSON without training-only config, with safe names, with Keras 3 spellings TF.js reads
 * differently translated, and the faithful replacement classes (layers.ts) for the layers TF.js
 * would compute differently. Pure planning: nothing here builds or runs a model.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { Diagnostic, LayerExecution } from '../../report/schema';
import { ModelFileError } from '../errors';
import { allLayers, type Topology, type TopologyLayer } from '../topology';
import type { ImportedModel } from '../types';
import { activationPlan, tfjsCamelCase } from './activations';
import { ACTIVATION_CLASSES, faithfulClass, replacementReason } from './layers';
import { renameTopology, safeNames } from './names';
import { withoutTrainingConfig, type TrainingConfigKind } from './trainingConfig';

type Tf = typeof tfTypes;

/** Major Keras version that wrote the file (3 for Keras 3, else 2), from its format description. */
export function kerasMajorVersion(imported: Pick<ImportedModel, 'formatDescription'>): number {
  const match = /Keras (\d+)/.exec(imported.formatDescription);
  return match ? Number(match[1]) : 2;
}

/** `"a", "b", "c" and 4 more` for messages. */
export function nameList(names: string[], max = 5): string {
  const shown = names.slice(0, max).map((n) => `"${n}"`).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

/** True when TF.js reads `name` (a Keras snake_case name, camel-cased as TF.js does) as an activation. */
function tfjsHasActivation(tf: Tf, name: string): boolean {
  try {
    tf.layers.activation({ activation: tfjsCamelCase(name) as never });
    return true;
  } catch {
    return false;
  }
}

/** What `planBuild` decided. */
export interface BuildPlan {
  /** Topology with internal (TF.js-safe) names; configs unchanged. */
  topology: Topology;
  /** The config TF.js gets for each layer of `topology` (training-only fields dropped, spellings translated). */
  tfjsConfig: Map<TopologyLayer, Record<string, unknown>>;
  /** Per layer path (original names): layers that run a faithful replacement, and why. */
  executions: Map<string, LayerExecution>;
  /** Internal name -> original name, for the layers renamed for TF.js. */
  names: Map<string, string>;
  /** Replacement classes by class name, for `modelFromJSON`'s custom objects. */
  customObjects: Record<string, unknown>;
  diagnostics: Diagnostic[];
}

/** Keras 3 spellings TF.js reads under another field name (same meaning). */
function translateSpellings(className: string, config: Record<string, unknown>): Record<string, unknown> {
  if (className === 'LeakyReLU' && config.negative_slope !== undefined && config.alpha === undefined) {
    const { negative_slope: alpha, ...rest } = config;
    return { ...rest, alpha };
  }
  return config;
}

/**
 * Plans the build of a checked import (see the module docstring).
 * @throws ModelFileError naming the layer and field when a layer's activation cannot run as Keras's.
 */
export function planBuild(tf: Tf, imported: ImportedModel): BuildPlan {
  const kerasMajor = kerasMajorVersion(imported);
  const names = safeNames(imported.topology);
  const internalOf = new Map([...names].map(([internal, original]) => [original, internal]));
  const topology = renameTopology(imported.topology, (n) => internalOf.get(n) ?? n);
  const originals = [...allLayers(imported.topology)];
  const internals = [...allLayers(topology)];
  const tfjsConfig = new Map<TopologyLayer, Record<string, unknown>>();
  const executions = new Map<string, LayerExecution>();
  const dropped = new Map<TrainingConfigKind, { layers: string[]; values: Set<string> }>();
  const renamedActivations = new Map<string, string[]>();
  const replacedClasses = new Set<string>();

  originals.forEach(({ layer, path }, i) => {
    if (layer.model) return;
    const stripped = withoutTrainingConfig(layer.config);
    for (const d of stripped.dropped) {
      const entry = dropped.get(d.kind) ?? { layers: [], values: new Set<string>() };
      if (!entry.layers.includes(path)) entry.layers.push(path);
      entry.values.add(d.value);
      dropped.set(d.kind, entry);
    }
    const config = translateSpellings(layer.className, { ...stripped.config, ...('name' in layer.config ? { name: internals[i].layer.name } : {}) });
    tfjsConfig.set(internals[i].layer, config);
    const activation = layer.config.activation;
    if (typeof activation === 'string' && layer.className !== 'InputLayer') {
      const plan = activationPlan(activation, kerasMajor);
      if (plan && plan.kind !== 'native' && ACTIVATION_CLASSES.has(layer.className)) {
        replacedClasses.add(layer.className);
        if (plan.kind === 'renamed') {
          const rename = `${activation} -> ${plan.tfjs}`;
          renamedActivations.set(rename, [...(renamedActivations.get(rename) ?? []), path]);
        }
      } else if (plan?.kind !== 'native' && !tfjsHasActivation(tf, activation)) {
        throw new ModelFileError(`activation "${activation}" is neither one TF.js knows nor one computed here as Keras does`, { file: imported.file, layer: path, className: layer.className, field: 'activation' });
      }
    }
    const why = replacementReason(layer.className, layer.config, kerasMajor);
    if (why) {
      replacedClasses.add(layer.className);
      executions.set(path, { kind: 'faithful-replacement', why });
    }
  });

  const customObjects: Record<string, unknown> = {};
  for (const className of replacedClasses) {
    const cls = faithfulClass(tf, className, kerasMajor);
    if (cls) customObjects[className] = [cls, (c: new (config: unknown) => unknown, config: unknown) => new c(config)];
  }

  const diagnostics: Diagnostic[] = [];
  for (const [kind, { layers, values }] of dropped) {
    diagnostics.push({
      severity: 'info',
      code: 'training-config-dropped',
      message: `training-only config dropped before TF.js builds the model (it does not change what a layer computes): ${kind} (${[...values].slice(0, 4).join(', ')}) on ${layers.length} layer${layers.length === 1 ? '' : 's'}: ${nameList(layers)}`,
    });
  }
  for (const [rename, layers] of renamedActivations) {
    diagnostics.push({ severity: 'info', message: `activation ${rename}: TF.js computes the same function under its own name (${nameList(layers)})` });
  }
  if (names.size) {
    diagnostics.push({
      severity: 'info',
      code: 'layer-renamed',
      message: `${names.size} layer name${names.size === 1 ? '' : 's'} TF.js refuses (spaces, a leading underscore, non-ASCII, "/"...) get internal names while TF.js builds; the report shows the original names: ${nameList([...names.values()])}`,
    });
  }
  for (const [path, execution] of executions) {
    diagnostics.push({ severity: 'info', code: 'faithful-replacement', layer: path, message: `layer "${path}" runs a faithful replacement: ${execution.why}` });
  }
  return { topology: { ...topology, name: topology.name.replace(/[^-A-Za-z0-9._]/g, '_') || 'model' }, tfjsConfig, executions, names, customObjects, diagnostics };
}
