/**
 * A stand-in for the Session in view tests: a report, change events and settings that tests set
 * directly. `emit` merges timings into the report before firing, as the Session does.
 */
import { EventEmitter } from '../vscode-stub';
import { IDLE, type ProfilingState } from '../../src/extension/profilingState';
import type { SessionEvent } from '../../src/extension/session';
import { mergeTimings } from '../../src/profiler/attach';
import type { FlopsConvention } from '../../src/report/flopsConvention';
import type { MetricId } from '../../src/report/messages';
import type { ArchitectureReport } from '../../src/report/schema';

export class FakeSource {
  report: ArchitectureReport | undefined;
  state: ProfilingState = IDLE;
  readonly config = { flopsConvention: 'macs' as FlopsConvention, hintsEnabled: false, colorMetric: 'medianMs' as MetricId };
  readonly metrics: MetricId[] = [];
  private readonly emitter = new EventEmitter<SessionEvent>();
  readonly onDidChange = this.emitter.event;

  constructor(report?: ArchitectureReport) {
    this.report = report;
  }

  emit(event: SessionEvent): void {
    if (event.kind === 'report') this.report = event.report;
    if (event.kind === 'state') this.state = event.state;
    if (event.kind === 'timings' && this.report) mergeTimings(this.report, event);
    this.emitter.fire(event);
  }

  async setMetric(metric: MetricId): Promise<void> {
    this.metrics.push(metric);
  }
}
