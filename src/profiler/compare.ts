/**
 * The Xception paper's experiment, measured: each SeparableConv2D beside the Conv2D that its
 * regular-convolution twin runs in its place (same name, input, kernel, filters, stride,
 * padding), with the analytic MAC ratio next to the measured time ratio.
 */
import type { ArchitectureReport, RegularConvComparison, SeparableVsRegular } from '../report/schema';

function ratio(a: number | null | undefined, b: number | null | undefined): number | null {
  return a != null && b != null && Number.isFinite(a) && Number.isFinite(b) && b > 0 ? a / b : null;
}

function row(separableMacs: number, regularMacs: number, separableMs: number | null, regularMs: number | null): Omit<SeparableVsRegular, 'name'> {
  return { separableMacs, regularMacs, macRatio: ratio(regularMacs, separableMacs) ?? 0, separableMs, regularMs, timeRatio: ratio(regularMs, separableMs) };
}

/**
 * Pairs the separable layers of `separable` with the same-named layers of `twin` (both profiled
 * on one engine at one input size).
 * @throws Error when the two reports do not have the same input shape.
 */
export function compareWithTwin(separable: ArchitectureReport, twin: ArchitectureReport, note?: string): RegularConvComparison {
  const inputSize = Number(separable.model.inputShapes[0]?.[1]);
  if (JSON.stringify(separable.model.inputShapes) !== JSON.stringify(twin.model.inputShapes)) {
    throw new Error(`the twin's input ${JSON.stringify(twin.model.inputShapes)} differs from the model's ${JSON.stringify(separable.model.inputShapes)}`);
  }
  const twinByName = new Map(twin.layers.map((l) => [l.name, l]));
  const layers: SeparableVsRegular[] = separable.layers
    .filter((l) => l.className === 'SeparableConv2D' && twinByName.get(l.name)?.className === 'Conv2D')
    .map((l) => {
      const t = twinByName.get(l.name)!;
      return { name: l.name, ...row(l.macs, t.macs, l.timing?.medianMs ?? null, t.timing?.medianMs ?? null) };
    });
  const sum = (values: (number | null)[]): number | null => (values.every((v) => v != null && Number.isFinite(v)) ? values.reduce<number>((a, v) => a + v!, 0) : null);
  return {
    inputSize,
    runs: twin.timing?.timedRuns ?? 0,
    layers,
    separableLayers: row(
      layers.reduce((a, l) => a + l.separableMacs, 0),
      layers.reduce((a, l) => a + l.regularMacs, 0),
      sum(layers.map((l) => l.separableMs)),
      sum(layers.map((l) => l.regularMs)),
    ),
    wholeModel: row(separable.totals.macs, twin.totals.macs, separable.timing?.predictMedianMs ?? null, twin.timing?.predictMedianMs ?? null),
    note,
  };
}
