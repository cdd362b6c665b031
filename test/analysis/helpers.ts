/** Small Keras configs analysed by the layer registry, for tests. */
import { importModelBytes } from '../../src/importers/modelFile';
import type { ArchitectureReport, LayerReport } from '../../src/report/schema';

type LayerEntry = [className: string, config: Record<string, unknown>];

/** Statically analyses a Sequential Keras config: one input of `inputShape`, then `layers` named l0, l1... */
export function analyzeSequential(inputShape: (number | null)[], ...layers: LayerEntry[]): ArchitectureReport {
  const json = {
    class_name: 'Sequential',
    config: { name: 's', layers: [{ class_name: 'InputLayer', config: { name: 'in', batch_input_shape: inputShape } }, ...layers.map(([c, config], i) => ({ class_name: c, config: { name: `l${i}`, ...config } }))] },
  };
  return importModelBytes(Buffer.from(JSON.stringify(json)), 'm.json').report;
}

/** Statically analyses a Functional Keras config (Keras 2 form). */
export function analyzeFunctional(layers: unknown[], inputs: string[], outputs: [string, number, number][], file = 'g.json'): ArchitectureReport {
  const json = { class_name: 'Functional', config: { name: 'g', layers, input_layers: inputs.map((n) => [n, 0, 0]), output_layers: outputs } };
  return importModelBytes(Buffer.from(JSON.stringify(json)), file).report;
}

/** An InputLayer entry of a Functional config. */
export const inputEntry = (name: string, shape: (number | null)[]): unknown => ({ name, class_name: 'InputLayer', config: { name, batch_input_shape: shape }, inbound_nodes: [] });

/** A layer entry of a Functional config, called once per list of input names. */
export const layerEntry = (name: string, className: string, config: Record<string, unknown>, ...calls: string[][]): unknown => ({
  name,
  class_name: className,
  config: { name, ...config },
  inbound_nodes: calls.map((inputs) => inputs.map((i) => [i, 0, 0, {}])),
});

/** The layer named `name` of a report (throws when absent). */
export function layer(report: ArchitectureReport, name: string): LayerReport {
  const l = report.layers.find((x) => x.name === name);
  if (!l) throw new Error(`no layer ${name}`);
  return l;
}

/** Trainable + non-trainable params of a layer. */
export const params = (l: LayerReport): number => l.params.trainable + l.params.nonTrainable;

/** The report of the single layer `l0` after an input of `inputShape`. */
export function single(className: string, config: Record<string, unknown>, inputShape: (number | null)[]): LayerReport {
  return layer(analyzeSequential(inputShape, [className, config]), 'l0');
}

/** The report of one layer `m` taking one input per shape. */
export function merged(className: string, config: Record<string, unknown>, shapes: (number | null)[][]): LayerReport {
  const names = shapes.map((_, i) => `in${i}`);
  const report = analyzeFunctional([...shapes.map((s, i) => inputEntry(names[i], s)), layerEntry('m', className, config, names)], names, [['m', 0, 0]]);
  return layer(report, 'm');
}
