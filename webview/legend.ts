/**
 * What the colour legend says (pure; toolbar.ts draws it): the five steps of the square-root
 * scale and why they are uneven, the "no value" swatch (which reads "timing pending" only while no
 * layer has been timed), how many layers have a value, and the scale of the block rows.
 */
import type { PaintResult } from './paint';
import { NA } from './format';
import { scaleValue } from './metrics';

/** Scale positions of the legend's swatches. */
export const LEGEND_STEPS = [0, 0.25, 0.5, 0.75, 1] as const;

export interface LegendSpec {
  /** Position on the scale and label of each swatch (none when nothing has a value). */
  steps: { t: number; label: string }[];
  /** Label of the "no value" swatch. */
  noValue: string;
  /** Short notes after the swatches. */
  notes: string[];
}

/** The legend of a paint. */
export function legendSpec(p: Pick<PaintResult, 'metric' | 'max' | 'known' | 'total' | 'rowMax'>): LegendSpec {
  const timed = p.metric.id === 'medianMs' || p.metric.id === 'gflops';
  const steps = p.max > 0 ? LEGEND_STEPS.map((t) => ({ t, label: p.metric.format(scaleValue(t, p.max)) })) : [];
  const notes: string[] = [];
  if (steps.length) notes.push('square-root scale: steps at 0, 1/16, 1/4, 9/16 and all of the largest layer, so small layers stay apart');
  if (p.known < p.total && p.known > 0) notes.push(`${p.known} of ${p.total} layers have a value`);
  if (p.rowMax !== undefined && p.rowMax > 0) notes.push(`block rows: tinted on their own scale, darkest ${p.metric.format(p.rowMax)} per block`);
  return { steps, noValue: timed && p.known === 0 ? `${NA} / timing pending` : NA, notes };
}
