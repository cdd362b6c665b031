/**
 * The engine the test reports name: TF.js's WASM backend with SIMD and 2 threads. Each fixture
 * gives its own `why` and skipped engines (and anything else it needs) as overrides; the fields keep
 * the order of the schema (a report written as JSON lists them in that order).
 */
import type { EngineInfo } from '../src/report/schema';

export function wasmEngine({ why, ...overrides }: Partial<EngineInfo> & Pick<EngineInfo, 'why'>): EngineInfo {
  return { name: 'wasm', backend: 'wasm', package: '@tensorflow/tfjs-backend-wasm', version: '4.22.0', threads: 2, simd: true, why, skipped: [], ...overrides };
}
