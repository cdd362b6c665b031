// Latency of the diagram's layout: dagre on a ResNet50-sized DAG (177 layers, 192 edges) in Node,
// the same code the webview runs (target 200 ms, so a model file's diagram appears at once).
import { describe, expect, it } from 'vitest';
import { layoutReport } from '../../webview/layout';
import { syntheticResidualReport } from '../browser/syntheticResidual';
import { judge, median } from './judge';

describe('diagram layout latency', () => {
  it('dagre layout of a synthetic 177-layer residual DAG: median of 5', () => {
    const report = syntheticResidualReport(16);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const t0 = performance.now();
      const layout = layoutReport(report, { collapseMiddle: false });
      times.push(performance.now() - t0);
      expect(layout.nodes.size).toBe(177);
    }
    judge('dagre layout, 177 layers, median of 5', median(times), 200);
  });
});
