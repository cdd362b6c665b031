import { beforeAll, describe, expect, it } from 'vitest';
import { markdownLayerRow, reportToMarkdown } from '../../src/exporters/markdown';
import type { ArchitectureReport } from '../../src/report/schema';
import { withTimings, xceptionReport } from '../extension/fixtures';

let report: ArchitectureReport;
beforeAll(async () => {
  report = withTimings(await xceptionReport());
});

// Synthetic pass: 8,357,403,496 MACs / 1e8 = 83.57403496 ms over the 41 layers with MACs (6 Conv2D,
// 34 SeparableConv2D, 1 Dense), plus 0.05 ms for each of the 93 others = 88.22403496 ms.
// block4_sepconv2: 7.34517784 ms = 8.3 % of it.
const SEPCONV_ROW = '| `block4_sepconv2` | `SeparableConv2D` | `block4` | 37x37x728 | 536,536 | 734.5M | 7.35 ms | 8.08 ms | 8.3 % |  |';

describe('reportToMarkdown', () => {
  it('has the heading, the facts and the totals', () => {
    const md = reportToMarkdown(report);
    expect(md.startsWith('# Xception profile\n')).toBe(true);
    expect(md).toContain('**Params** 22,910,480 · *22,855,952 trainable, 54,528 non\\-trainable*');
    expect(md).toContain('**MACs** 8.36G MACs (8,357,403,496) · *per image; multiply\\-accumulates; bias adds, BN and activations are element\\-wise ops, not MACs*');
    expect(md).toContain('**FLOPs** 16.71G FLOPs (16,714,806,992) · *per image; 2 x MACs \\(1 MAC = 2 FLOPs\\)*');
    expect(md).toContain('**Engine:** wasm \\(2 threads, SIMD\\) via @tensorflow/tfjs\\-backend\\-wasm 4\\.22\\.0');
    expect(md).toContain('**Pass:** wall time on wasm, batch of 1, median of 10 timed runs after 2 warm\\-up: profiled median 90\\.0 ms · plain predict median 85\\.6 ms');
    // The footnote says what MACs count once ("MACs: MACs: ..." before).
    expect(md).toContain('\nCounts are per image. MACs: multiply\\-accumulates; bias adds, BN and activations are element\\-wise ops, not MACs. Times are medians');
    expect(md).not.toContain('MACs: MACs');
  });

  it('gives totals per image and per batch when a pass holds several images', () => {
    const r = structuredClone(report);
    r.timing!.batchSize = 25;
    const md = reportToMarkdown(r);
    // 8,357,403,496 MACs x 25 = 208.9G.
    expect(md).toContain('**MACs** 8.36G MACs (8,357,403,496) · *per image; 208\\.94G MACs per batch of 25;');
    expect(md).toContain('batch of 25, median of 10 timed runs');
  });

  it('has a flow table with entry, middle and exit', () => {
    const md = reportToMarkdown(report);
    const flows = md.split('## Flows')[1].split('## Layers')[0].split('\n').filter((l) => l.startsWith('| `'));
    expect(flows.map((l) => l.split(' | ')[0])).toEqual(['| `entry`', '| `middle`', '| `exit`']);
  });

  it('has one table row per layer, in execution order', () => {
    const md = reportToMarkdown(report);
    const rows = md.split('## Layers')[1].split('\n').filter((l) => l.startsWith('| `'));
    expect(rows).toHaveLength(134);
    expect(rows).toContain(SEPCONV_ROW);
  });

  it('shows FLOPs under the flops convention', () => {
    const md = reportToMarkdown(report, 'flops');
    expect(md).toContain('\nCounts are per image. FLOPs = 2 x MACs per image. Times are');
    expect(md).not.toContain('FLOPs: FLOPs');
    expect(md).toContain('| Layer | Class | Block | Output | Params | FLOPs per image | Median (wall time on wasm) | p90 | Share | Note |');
    expect(md).toContain('| `block4_sepconv2` | `SeparableConv2D` | `block4` | 37x37x728 | 536,536 | 1.47G |');
  });

  it('escapes table and Markdown syntax in names', () => {
    const r = structuredClone(report);
    r.layers[1].name = 'a|b*c';
    expect(reportToMarkdown(r)).toContain('| a\\|b\\*c |');
  });

  it('marks untimed layers', async () => {
    const md = reportToMarkdown(await xceptionReport());
    expect(md).toContain('| `block4_sepconv2` | `SeparableConv2D` | `block4` | 37x37x728 | 536,536 | 734.5M | - | - | - |  |');
  });
});

describe('markdownLayerRow', () => {
  it('is a one-row table', () => {
    const layer = report.layers.find((l) => l.name === 'block4_sepconv2')!;
    expect(markdownLayerRow(report, layer, 'macs').split('\n')).toEqual([
      '| Layer | Class | Block | Output | Params | MACs per image | Median (wall time on wasm) | p90 | Share | Note |',
      '| :-- | :-- | :-- | :-- | --: | --: | --: | --: | --: | :-- |',
      SEPCONV_ROW,
      '',
    ]);
  });
});
