/**
 * Command-line profiler: `npm run profile -- [options]`. Profiles Xception in this process on the
 * fastest engine available and prints the engine (and why), the totals, a per-flow table and the
 * slowest layers; writes the JSON report and a standalone HTML report on request.
 */
import { Command, Option } from 'commander';
import { integer } from './cliArgs';
import { accessSync, constants, statSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ENGINE_ORDER } from './engine/resolve';
import { exportFormat, reportToJson, type ExportFormatId } from './exporters/formats';
import { loadWebviewAssets, renderHtmlReport } from './exporters/html';
import { XCEPTION_MIN_INPUT_SIZE } from './model/xception';
import { DEFAULTS } from './report/defaults';
import { countUnit, FLOPS_CONVENTIONS, type FlopsConvention } from './report/flopsConvention';
import { formatCount, formatMs, formatShape } from './report/format';
import { batchOf, describeEngine, flowTable, layerCardView, layerCountText, passLine, rowValueText, slowestLayers, timeNote, totalsLines, type ViewRow } from './report/viewModel';
import type { ArchitectureReport, EngineComparison, EngineName, SeparableVsRegular } from './report/schema';
import { runJob } from './worker/job';
import { sweepToCsv } from './exporters/sweepCsv';
import { engineComparisonToCsv } from './exporters/engineComparisonCsv';
import { roofsText, sweepText, textTable as table } from './profiler/rooflineText';
import { formatIntensity, rooflinePoints, standing, standingText } from './profiler/roofline';
import { parseSweep } from './profiler/sweep';
import type { EngineChoice } from './engine/resolve';


/** A view-model row as one CLI line: `MACs: 8.36G MACs (8,357,403,496); per image; ...`. */
function rowLine(row: ViewRow): string {
  return `${row.label}: ${rowValueText(row)}${row.note ? `; ${row.note}` : ''}`;
}

/**
 * The human-readable summary the CLI prints (exported for tests): the view-model's rows and
 * tables (`report/viewModel.ts`), the same numbers and words as the hovers, the panel and the exports.
 */
export function summaryText(report: ArchitectureReport, convention: FlopsConvention = DEFAULTS.flopsConvention): string {
  const lines: string[] = [];
  if (report.engine) lines.push(`Engine: ${describeEngine(report.engine)}`, '');
  lines.push(`Model: ${report.model.name}, input ${report.model.inputShapes.map(formatShape).join(', ')} (NHWC), ${report.totals.layers} layers`);
  lines.push(...totalsLines(report, convention).map(rowLine));
  const timing = report.timing;
  if (timing) lines.push(`Pass: ${passLine(report, timing)}`);
  const flows = flowTable(report, convention);
  lines.push('', table([flows.header, ...flows.rows]));
  const roofs = report.roofline?.roofs;
  if (roofs) lines.push('', roofsText(roofs));
  const points = new Map(rooflinePoints(report, 'layers').map((p) => [p.layer, p]));
  const whereStands = (name: string): [string, string] => {
    const p = points.get(name);
    const s = p && roofs && standing(p, roofs);
    return [p ? formatIntensity(p.intensity) : '-', s ? standingText(s) : '-'];
  };
  const timed = slowestLayers(report, 10);
  if (timed.length) {
    lines.push('', `Slowest layers (${timeNote(report)}, batch of ${batchOf(report)}):`, table([
      ['layer', 'class', 'output', `${countUnit(convention)} per image`, 'median', 'p90', 'share', 'GFLOP/s', 'FLOP/B', 'roofline', 'note'],
      ...timed.map((l) => {
        const card = layerCardView(report, l, convention);
        const measured = 'rows' in card.measured ? card.measured.rows : [];
        const value = (label: string): string => measured.find((r) => r.label === label)?.value ?? '-';
        const kernels = value('Kernels');
        return [
          l.name, l.className, formatShape(l.outputShape), layerCountText(l, convention),
          value('Median'), value('p90'), value('Share of pass'), value('Achieved').replace(' GFLOP/s', ''),
          // A stand-in's time is not the real layer's: say so where its time is shown.
          ...whereStands(l.name), [l.execution?.kind === 'stand-in' ? 'stand-in, not the real layer' : l.execution ? 'faithful replacement' : '', kernels === '-' ? '' : kernels].filter(Boolean).join('; '),
        ];
      }),
    ]));
  }
  if (report.engineComparison) lines.push('', ...engineComparisonText(report.engineComparison));
  const cmp = report.regularComparison;
  if (cmp) {
    const ratioText = (r: number | null): string => (r == null ? 'n/a' : `${r.toFixed(2)}x`);
    const cmpRow = (name: string, r: Omit<SeparableVsRegular, 'name'>): string[] => [
      name, formatCount(r.separableMacs), formatCount(r.regularMacs), ratioText(r.macRatio), formatMs(r.separableMs), formatMs(r.regularMs), ratioText(r.timeRatio),
    ];
    const shown = cmp.layers.filter((l) => ['block2_sepconv1', 'block4_sepconv2', 'block5_sepconv1', 'block13_sepconv2', 'block14_sepconv2'].includes(l.name));
    lines.push('', `Separable vs regular convolution (the paper's argument, measured at ${cmp.inputSize}x${cmp.inputSize}, ${timeNote(report)}, twin median of ${cmp.runs} runs):`, table([
      ['layer', 'sep MACs', 'regular MACs', 'MAC ratio', 'sep median', 'regular median', 'time ratio'],
      ...shown.map((l) => cmpRow(l.name, l)),
      cmpRow(`all ${cmp.layers.length} separable layers`, cmp.separableLayers),
      cmpRow('whole model (predict)', cmp.wholeModel),
    ]));
    if (cmp.note) lines.push(cmp.note);
  }
  if (report.sweep) lines.push('', sweepText(report.sweep));
  for (const d of report.diagnostics) lines.push(`${d.severity}: ${d.message}`);
  return lines.join('\n');
}

/**
 * Engines side by side: the whole pass, the split by kind of work, and the per-layer medians of
 * the layers with MACs or time ("folded" where the engine computed the layer inside another's node).
 */
export function engineComparisonText(cmp: EngineComparison): string[] {
  const names = cmp.engines.map((e) => e.label);
  const ms = (v: number | null): string => formatMs(v);
  const lines = [
    `Engines side by side (median ms; ${cmp.engines.length} engine${cmp.engines.length === 1 ? '' : 's'}):`,
    table([
      ['', ...names],
      ['plain pass', ...cmp.engines.map((e) => ms(e.predictMedianMs))],
      ['profiled pass', ...cmp.engines.map((e) => ms(e.profiledMedianMs))],
      ...cmp.kinds.map((k) => [`  ${k.kind}`, ...k.ms.map(ms)]),
    ]),
    '',
    table([
      ['layer', 'class', 'MACs', ...names],
      ...cmp.layers
        .filter((l) => l.macs > 0 || l.medianMs.some((v) => v != null && v > 0.05))
        .map((l) => [l.name, l.className, formatCount(l.macs), ...l.medianMs.map((v, i) => (l.foldedInto[i] ? `folded into ${l.foldedInto[i]}` : ms(v)))]),
    ]),
  ];
  for (const s of cmp.skipped) lines.push(`not run: ${s.name}: ${s.reason}`);
  return lines;
}

async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('xception-profiler')
    .description('Profile Xception (Keras applications architecture) with TensorFlow.js, layer by layer.')
    .addOption(new Option('--engine <name>', 'engine to try first').choices(['auto', ...ENGINE_ORDER]).default(DEFAULTS.engine))
    .option('--model <file>', 'analyse and profile a Keras / TF.js model file (model.json, Keras config JSON, .keras) instead of Xception')
    .option('--input-size <n>', `input height and width, pixels: Xception's (>= ${XCEPTION_MIN_INPUT_SIZE}, default ${DEFAULTS.inputSize}), or a --model file's open (null) height and width (default 224)`, integer(1), DEFAULTS.inputSize)
    .option('--batch <n>', 'images per pass', integer(1), DEFAULTS.batchSize)
    .option('--runs <n>', 'timed runs', integer(1), DEFAULTS.timedRuns)
    .option('--warmup <n>', 'warm-up runs (never counted)', integer(0), DEFAULTS.warmupRuns)
    .option('--threads <n>', 'WASM threads (default: every core)', integer(1))
    .option('--no-top', 'leave out the classifier head (avg_pool, predictions)')
    .option('--compare-regular [runs]', "also profile Xception's regular-convolution twin (every SeparableConv2D replaced by a Conv2D) on the same engine", integer(1))
    .option('--no-timing', 'static analysis only')
    .option('--sweep <axis=values>', 'also profile at each batch size (batch=1,2,4,8) or input size (input=71,150,224,299) on the same engine')
    .option('--sweep-runs <n>', 'timed runs per sweep point (after 1 warm-up)', integer(1), 3)
    .option('--sweep-csv <file>', 'write the sweep as CSV (one row per point)')
    .option('--remeasure-roofs', "measure the engine's roofs again instead of reading them from the cache")
    .option('--json <file>', 'write the JSON report')
    .option('--html <file>', 'write a standalone HTML report')
    .option('--trace <file>', 'write a Chrome trace (Perfetto, about://tracing) of the median run')
    .option('--csv <file>', 'write one CSV row per layer')
    .option('--md <file>', 'write a Markdown summary')
    .option('--engines <list>', `profile on each engine named (comma-separated: ${ENGINE_ORDER.join(', ')}; or all) and show per-layer medians side by side`)
    .option('--engines-csv <file>', 'with --engines: write the side-by-side medians, one column per engine')
    .option('--onnx <file>', 'write the model with its weights as ONNX (opset 17, NHWC inputs and outputs, nodes named after the Keras layers)')
    .addOption(new Option('--flops-convention <name>', 'how the summary, CSV, Markdown and trace count compute').choices([...FLOPS_CONVENTIONS]).default(DEFAULTS.flopsConvention))
    .option('--quiet', 'print nothing but errors')
    .showHelpAfterError('(run with --help for the options)');
  program.parse(argv);
  const opts = program.opts<{
    engine: EngineChoice; model?: string; inputSize: number; batch: number; runs: number; warmup: number; threads?: number;
    top: boolean; timing: boolean; compareRegular?: number | true; json?: string; html?: string; quiet?: boolean;
    trace?: string; csv?: string; md?: string; onnx?: string; engines?: string; enginesCsv?: string; flopsConvention: FlopsConvention;
    sweep?: string; sweepRuns: number; sweepCsv?: string; remeasureRoofs?: boolean;
  }>();
  let sweep: ReturnType<typeof parseSweep> | undefined;
  try {
    sweep = opts.sweep ? parseSweep(opts.sweep, XCEPTION_MIN_INPUT_SIZE) : undefined;
  } catch (error) {
    program.error(`error: ${(error as Error).message}`);
  }
  if (sweep && !opts.timing) program.error('error: --sweep needs timings: leave out --no-timing');
  if (opts.sweepCsv && !sweep) program.error('error: --sweep-csv needs --sweep');
  if (sweep?.axis === 'input' && opts.model) program.error('error: --sweep input=... rebuilds the built-in Xception; a --model file has its own input size (sweep batch=... instead)');
  let engines: EngineName[] | undefined;
  if (opts.engines) {
    const names = opts.engines === 'all' ? [...ENGINE_ORDER] : opts.engines.split(',').map((e) => e.trim());
    const unknown = names.filter((n) => !ENGINE_ORDER.includes(n as EngineName));
    if (unknown.length) program.error(`error: --engines: unknown engine ${unknown.join(', ')} (expected ${ENGINE_ORDER.join(', ')} or all)`);
    if (!opts.timing) program.error('error: --engines needs timings: leave out --no-timing');
    engines = names as EngineName[];
  }
  if (opts.enginesCsv && !engines) program.error('error: --engines-csv needs --engines');
  if (opts.trace && !opts.timing) program.error('error: --trace needs timings: leave out --no-timing');
  if (opts.model && opts.compareRegular) program.error('error: --compare-regular works with the built-in Xception only, not with --model');
  if (opts.model && !opts.top) program.error('error: --no-top shapes the built-in Xception; a --model file has its own head');
  const inputSizeGiven = program.getOptionValueSource('inputSize') === 'cli';
  if (!opts.model && opts.inputSize < XCEPTION_MIN_INPUT_SIZE) {
    program.error(`error: option '--input-size <n>' argument '${opts.inputSize}' is invalid. Xception needs at least ${XCEPTION_MIN_INPUT_SIZE} (Keras's minimum)`);
  }
  if (opts.compareRegular && !opts.timing) program.error('error: --compare-regular needs timings: leave out --no-timing');
  if (opts.threads && opts.threads > os.cpus().length) {
    console.error(`warning: --threads ${opts.threads} is more than this machine's ${os.cpus().length} logical CPUs; threads will compete for cores`);
  }

  // Every output file, checked before the (long) profile so that a bad path fails at once.
  const outputs: { file: string; label: string; render: (r: ArchitectureReport) => string }[] = [
    ...(opts.json ? [{ file: opts.json, label: 'JSON report', render: reportToJson }] : []),
    ...(opts.html ? [{ file: opts.html, label: 'HTML report', render: (r: ArchitectureReport) => renderHtmlReport(r, loadWebviewAssets(__dirname), opts.flopsConvention) }] : []),
    ...([[opts.trace, 'trace'], [opts.csv, 'csv'], [opts.md, 'markdown']] as [string | undefined, ExportFormatId][])
      .filter(([file]) => file)
      .map(([file, id]) => ({ file: file!, label: exportFormat(id).label, render: (r: ArchitectureReport) => exportFormat(id).render(r, opts.flopsConvention) })),
    ...(opts.enginesCsv ? [{ file: opts.enginesCsv, label: 'engine comparison CSV', render: (r: ArchitectureReport) => engineComparisonToCsv(r.engineComparison!) }] : []),
    ...(opts.sweepCsv ? [{ file: opts.sweepCsv, label: 'sweep CSV', render: (r: ArchitectureReport) => sweepToCsv(r.sweep!) }] : []),
  ].map((o) => ({ ...o, file: userPath(o.file) }));
  const onnxFile = opts.onnx ? userPath(opts.onnx) : undefined;
  for (const { file } of [...outputs, ...(onnxFile ? [{ file: onnxFile }] : [])]) {
    const problem = unwritable(file);
    if (problem) program.error(`error: cannot write ${file}: ${problem}`);
  }

  const progress = (text: string): void => {
    if (!opts.quiet && process.stderr.isTTY) process.stderr.write(`\r\x1b[K${text}`);
  };
  const report = await runJob(
    {
      // `npm run` starts in the package folder: a relative --model path is relative to where npm was run.
      model: opts.model
        ? { kind: 'file', path: userPath(opts.model), ...(inputSizeGiven ? { inputSize: opts.inputSize } : {}) }
        : { kind: 'xception', inputSize: opts.inputSize, includeTop: opts.top, classes: 1000 },
      engine: opts.engine,
      searchPaths: [process.cwd()],
      threads: opts.threads,
      warmupRuns: opts.warmup,
      runs: opts.runs,
      batchSize: opts.batch,
      timing: opts.timing,
      wasmDir: __dirname,
      onnxFile,
      compareEngines: engines,
      compareRegular: opts.compareRegular ? { runs: opts.compareRegular === true ? 3 : opts.compareRegular, warmupRuns: 1 } : undefined,
      sweep: sweep && { ...sweep, runs: opts.sweepRuns, warmupRuns: 1 },
      remeasureRoofs: opts.remeasureRoofs,
    },
    (event) => {
      if (event.type === 'progress') progress(event.message);
    },
  );
  progress('');
  if (!opts.quiet) console.log(summaryText(report, opts.flopsConvention));
  if (!opts.quiet && onnxFile) console.log(`\nONNX model: ${onnxFile}`);
  if (!opts.quiet && outputs.length) console.log('');
  for (const { file, label, render } of outputs) {
    writeFileSync(file, render(report));
    if (!opts.quiet) console.log(`${label}: ${file}`);
  }
}

/** A path the user typed, absolute: `npm run` starts in the package folder, so relative paths are relative to where npm was run. */
function userPath(p: string): string {
  return path.resolve(process.env.INIT_CWD ?? process.cwd(), p);
}

/** Why `file` cannot be written (its folder is missing or read-only, or it is a folder), or undefined. */
function unwritable(file: string): string | undefined {
  try {
    if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) return 'it is a folder';
    accessSync(path.dirname(file), constants.W_OK);
    return undefined;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? `folder ${path.dirname(file)} does not exist` : `folder ${path.dirname(file)} is not writable`;
  }
}

if (require.main === module) {
  main(process.argv).then(
    // WASM worker threads may hold the event loop open: exit explicitly.
    () => process.exit(0),
    (error: unknown) => {
      console.error(`xception-profiler: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
