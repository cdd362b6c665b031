/**
 * The diagram's short labels: the operation drawn in a layer box and the title of a block box.
 * Pure functions of report data (no DOM), shared by the renderer and the DAG layout (which sizes
 * boxes by their label).
 */
import type { LayerReport } from '../src/report/schema';

/** Short operation label drawn in a layer box, from the class and its config. */
export function opLabel(l: LayerReport): string {
  const c = l.config;
  const stride = typeof c.strides === 'string' && c.strides !== '1x1' ? `/${c.strides.split('x')[0]}` : '';
  switch (l.className) {
    case 'Conv2D':
      return `Conv ${c.kernelSize ?? ''}${stride}, ${c.filters ?? ''}`;
    case 'SeparableConv2D':
      return `SepConv ${c.kernelSize ?? ''}${stride}, ${c.filters ?? ''}`;
    case 'DepthwiseConv2D':
      return `DWConv ${c.kernelSize ?? ''}${stride}`;
    case 'BatchNormalization':
      return 'BN';
    case 'Activation':
      return typeof c.activation === 'string' ? (c.activation === 'relu' ? 'ReLU' : c.activation) : 'Act';
    case 'ReLU':
      return 'ReLU';
    case 'MaxPooling2D':
      return `MaxPool ${c.poolSize ?? ''}${stride}`;
    case 'AveragePooling2D':
      return `AvgPool ${c.poolSize ?? ''}${stride}`;
    case 'Add':
      return '+';
    case 'GlobalAveragePooling2D':
      return 'GlobalAvgPool';
    case 'Dense':
      return `Dense ${c.units ?? ''}`;
    case 'InputLayer':
      return 'Input';
    default:
      return l.className;
  }
}

/** Title of a block box: `block5`, or `block5 - block12  x 8` for a collapsed repeat. */
export function blockTitle(represents: string[]): string {
  if (represents.length <= 1) {
    const n = represents[0] ?? '';
    return n === 'top' ? 'top (classifier head)' : n;
  }
  return `${represents[0]} \u2013 ${represents[represents.length - 1]}  \u00d7 ${represents.length}`;
}
