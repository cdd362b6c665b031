import * as tf from '@tensorflow/tfjs';
import { buildModel, type BuiltModel } from '../../src/importers/build';
import { importModelBytes } from '../../src/importers/modelFile';

/**
 * A Keras 3 Sequential model of one layer, `className` named `name` with `config` (Keras's
 * snake_case), on an input of `shape` (batch excluded), built by the product's importer.
 */
export async function oneLayerModel(className: string, name: string, config: Record<string, unknown>, shape: number[]): Promise<BuiltModel> {
  const layers = [
    { class_name: 'InputLayer', config: { name: 'in', batch_input_shape: [null, ...shape] } },
    { class_name: className, config: { name, ...config } },
  ];
  const json = { class_name: 'Sequential', config: { name: 's', layers }, keras_version: '3.5.0' };
  return buildModel(tf, importModelBytes(Buffer.from(JSON.stringify(json)), `${name}.json`));
}
