/**
 * Keras is the reference, engines only execute: compares what TF.js built, layer by layer (output
 * shape of the first call, param count), with the registry's report. A difference is a warning
 * naming the layer and the config fields that shape it; the report keeps Keras's values.
 */
import type * as tfTypes from '@tensorflow/tfjs';
import type { ArchitectureReport, Diagnostic, Shape } from '../report/schema';
import { describeBuiltLayers } from './describe';
import { layerSpec } from './layers/registry';
import type { Topology } from '../importers/topology';

const shapeText = (s: Shape | undefined): string => (s ? `[${s.map((d) => (d === null ? 'null' : String(d))).join(', ')}]` : 'none');
const sameShape = (a: Shape | undefined, b: Shape | undefined): boolean => !!a && !!b && a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Diagnostics for every top-level layer whose TF.js build differs from the report.
 * @param topology the analysed topology (for the config fields to name).
 * @param originalName maps a TF.js layer name back to the file's name (identity by default).
 */
export function checkBuiltModel(
  report: ArchitectureReport,
  topology: Topology,
  model: tfTypes.LayersModel,
  originalName: (tfjsName: string) => string = (n) => n,
): Diagnostic[] {
  const byName = new Map(report.layers.map((l) => [l.name, l]));
  const configs = new Map(topology.layers.map((l) => [l.name, l.config]));
  const diagnostics: Diagnostic[] = [];
  for (const built of describeBuiltLayers(model)) {
    const name = originalName(built.name);
    const expected = byName.get(name);
    if (!expected || expected.className === 'InputLayer') continue;
    const builtParams = built.params.trainable + built.params.nonTrainable;
    const expectedParams = expected.params.trainable + expected.params.nonTrainable;
    const shapeOk = sameShape(built.outputShapes[0], expected.outputShape);
    if (shapeOk && builtParams === expectedParams) continue;
    const config = configs.get(name) ?? {};
    const fields = (layerSpec(expected.className)?.shapeFields ?? []).filter((f) => config[f] !== undefined && config[f] !== null);
    const fieldText = fields.length ? ` (config: ${fields.map((f) => `${f}=${JSON.stringify(config[f])}`).join(', ')})` : '';
    const what = [
      shapeOk ? '' : `output shape ${shapeText(built.outputShapes[0])} where Keras gives ${shapeText(expected.outputShape)}`,
      builtParams === expectedParams ? '' : `${builtParams} params where Keras gives ${expectedParams}`,
    ].filter(Boolean);
    diagnostics.push({
      severity: 'warning',
      code: 'engine-shape-mismatch',
      layer: name,
      message: `TF.js builds layer "${name}" (${expected.className}) with ${what.join(' and ')}${fieldText}; the report keeps Keras's values`,
    });
  }
  return diagnostics;
}
