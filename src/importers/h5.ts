/**
 * HDF5 reading for model files, with h5wasm (the HDF5 C library compiled to WebAssembly; no native
 * build). Its Node build reads through Emscripten's NODERAWFS, i.e. straight from the host file
 * system and only the parts asked for: opening a file reads its superblock and the objects
 * looked up, so attributes and dataset shapes cost little even for a large file, and weight values
 * are read only when `readFloat32` is called. Files are opened read-only (`"r"`).
 *
 * HDF5's own error stack is turned into thrown errors (not printed), and shortened to its most
 * specific line for messages (`truncated file: eof = 500000, ..., stored_eof = 1116712`).
 */
import type { Dataset, File as H5File, Group } from 'h5wasm';
import { ModelFileError, type ModelFileLocation } from './errors';

type H5wasm = typeof import('h5wasm');
type H5Module = Awaited<H5wasm['ready']>;

let loading: Promise<{ api: H5wasm; module: H5Module }> | undefined;

/** Largest single read of weight values, bytes (see `H5Reader.readFloat32`). */
export const READ_PART_BYTES = 2 ** 20;

/** The number of values of a shape. */
const product = (dims: readonly number[]): number => dims.reduce((n, d) => n * d, 1);

/** `\x89HDF\r\n\x1a\n`: the HDF5 signature at offset 0 (files with a user block are not model files). */
export function isHdf5(bytes: Uint8Array): boolean {
  const signature = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
  return bytes.length >= 8 && signature.every((b, i) => bytes[i] === b);
}

/**
 * Loads h5wasm once (about 4 MB of WASM, ~100 ms). Emscripten decides it runs under Node by the
 * absence of `navigator`, which Electron and newer Nodes define: it is hidden while loading,
 * as h5wasm's README advises for Electron.
 */
export async function loadH5wasm(): Promise<H5wasm> {
  return (await loadH5Module()).api;
}

/** `loadH5wasm` with the Emscripten module (its heap and the raw read function). */
function loadH5Module(): Promise<{ api: H5wasm; module: H5Module }> {
  loading ??= (async () => {
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    if (saved?.configurable) Object.defineProperty(globalThis, 'navigator', { value: undefined, configurable: true });
    try {
      const h5 = (await import('h5wasm/node')) as unknown as H5wasm & { default?: H5wasm };
      const api = h5.default ?? h5;
      const module = await api.ready;
      module.activate_throwing_error_handler();
      return { api, module };
    } finally {
      if (saved?.configurable) Object.defineProperty(globalThis, 'navigator', saved);
    }
  })();
  return loading;
}

/** The most telling line of an HDF5 error stack: the deepest `in FUNC(): reason`. */
export function h5Reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const reasons = [...text.matchAll(/in (\w+)\(\): ([^\n]+)/g)].map((m) => m[2].trim());
  return reasons.length ? reasons[reasons.length - 1] : text.split('\n')[0];
}

/** An HDF5 file that HDF5 itself cannot open (not HDF5, truncated, a stub). */
export class H5OpenError extends ModelFileError {}

/** An HDF5 file open for reading, with the typed look-ups the model readers need. */
export class H5Reader {
  private constructor(
    private readonly api: H5wasm,
    private readonly module: H5Module,
    private readonly handle: H5File,
    /** Path for messages (the user's file, or `x.keras › model.weights.h5`). */
    readonly label: string,
  ) {}

  /**
   * Opens `path` read-only.
   * @param label what messages call the file (default: `path`).
   * @throws H5OpenError when HDF5 cannot open it (not HDF5, truncated: the reason is HDF5's).
   */
  static async open(path: string, label = path): Promise<H5Reader> {
    const { api, module } = await loadH5Module();
    try {
      return new H5Reader(api, module, new api.File(path, 'r'), label);
    } catch (error) {
      throw new H5OpenError(`HDF5 cannot open this file: ${h5Reason(error)}`, { file: label });
    }
  }

  close(): void {
    this.handle.close();
  }

  /**
   * The group at `path` (`/` is the root), or undefined when there is none.
   * @param layer the Keras layer it belongs to, for messages.
   * @throws ModelFileError when HDF5 cannot look the path up (e.g. it runs through a dataset).
   */
  group(path: string, layer?: string): Group | undefined {
    const entity = path === '/' || path === '' ? this.handle : this.safeGet(path, layer);
    return entity instanceof this.api.Group ? entity : undefined;
  }

  /** The dataset at `path`, or undefined (errors as `group`). */
  dataset(path: string, layer?: string): Dataset | undefined {
    const entity = this.safeGet(path, layer);
    return entity instanceof this.api.Dataset ? entity : undefined;
  }

  private safeGet(path: string, layer?: string): ReturnType<H5File['get']> {
    try {
      return this.handle.get(path);
    } catch (error) {
      throw new ModelFileError(`HDF5 cannot read object "${path}": ${h5Reason(error)}`, { file: this.label, layer, field: path });
    }
  }

  /** Names of the members of a group, in HDF5's order (by name). */
  keys(path: string): string[] {
    return this.group(path)?.keys() ?? [];
  }

  /**
   * A string attribute (Keras writes them as fixed or variable length strings, some as bytes).
   * @returns undefined when absent.
   */
  stringAttribute(path: string, name: string): string | undefined {
    const value = this.attribute(path, name);
    if (value === undefined) return undefined;
    if (typeof value === 'string') return value;
    if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
    return undefined;
  }

  /** A list-of-strings attribute (`layer_names`, `weight_names`); undefined when absent. */
  stringListAttribute(path: string, name: string): string[] | undefined {
    const value = this.attribute(path, name);
    if (value === undefined) return undefined;
    const list = Array.isArray(value) ? value : [value];
    return list.map((v) => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : String(v)));
  }

  private attribute(path: string, name: string): unknown {
    const owner = this.group(path) ?? this.dataset(path);
    if (!owner) return undefined;
    // Listing the attributes reads the object header too: a damaged one fails there.
    try {
      return name in owner.attrs ? owner.attrs[name].value : undefined;
    } catch (error) {
      throw new ModelFileError(`HDF5 cannot read attribute "${name}": ${h5Reason(error)}`, { file: this.label, field: path === '/' ? name : `${path}/${name}` });
    }
  }

  /** Shape of a dataset (`[]` for a scalar) without reading its values. */
  shape(dataset: Dataset): number[] {
    return dataset.shape ?? [];
  }

  /**
   * Reads a numeric dataset as float32 (float16 and float64 are converted, as Keras would cast).
   * A dataset larger than `partBytes` is read in parts of at most that size (hyperslabs along the
   * first axis whose trailing block fits): h5wasm's WASM heap grows to the largest read and never
   * shrinks, so reading a large weight whole would hold it twice for the rest of the process.
   * Little-endian float32 (what Keras writes) goes from the heap straight into the returned array;
   * h5wasm's own read would copy each part into a new array first, and those copies are garbage
   * that Node frees only at its next GC (about 30 MB more at the peak for a 100 MB file).
   * @param field the dataset's path, and `layer` the Keras layer it belongs to, for messages.
   * @param partBytes largest single read, bytes (default `READ_PART_BYTES`).
   * @throws ModelFileError when the values cannot be read (a damaged file) or are not numbers.
   */
  readFloat32(dataset: Dataset, field: string, { layer, partBytes = READ_PART_BYTES }: { layer?: string; partBytes?: number } = {}): Float32Array {
    const at: ModelFileLocation = { file: this.label, layer, field };
    const shape = this.shape(dataset);
    const { type, size, littleEndian, vlen } = dataset.metadata;
    const itemBytes = Math.max(1, size);
    if (shape.length === 0) return this.float32(this.read(() => dataset.value, at), dataset, at);
    const direct = type === this.module.H5T_class_t.H5T_FLOAT.value && size === 4 && littleEndian && !vlen;
    const out = new Float32Array(product(shape));
    let offset = 0;
    for (const ranges of hyperslabs(shape, Math.max(1, Math.floor(partBytes / itemBytes)))) {
      if (direct) {
        offset += this.readInto(out, offset, dataset, ranges, at);
      } else {
        const part = this.float32(this.read(() => dataset.slice(ranges), at), dataset, at);
        out.set(part, offset);
        offset += part.length;
      }
    }
    return out;
  }

  /** Reads one hyperslab of a little-endian float32 dataset into `out` at `offset`; returns the values read. */
  private readInto(out: Float32Array, offset: number, dataset: Dataset, ranges: [number, number][], at: ModelFileLocation): number {
    const count = ranges.map(([start, stop]) => BigInt(stop - start));
    const n = product(ranges.map(([start, stop]) => stop - start));
    if (n === 0) return 0;
    const pointer = this.module._malloc(n * 4);
    if (!pointer) throw new ModelFileError(`HDF5 cannot read the values: out of memory for ${n * 4} bytes`, at);
    try {
      this.read(() => this.module.get_dataset_data(dataset.file_id, dataset.path, count, ranges.map(([start]) => BigInt(start)), count.map(() => 1n), BigInt(pointer)), at);
      // The heap may have grown during the read: take the buffer afterwards.
      out.set(new Float32Array(this.module.HEAPU8.buffer, pointer, n), offset);
    } finally {
      this.module._free(pointer);
    }
    return n;
  }

  /** One read of values, HDF5's errors named. */
  private read(get: () => unknown, at: ModelFileLocation): unknown {
    try {
      return get();
    } catch (error) {
      throw new ModelFileError(`HDF5 cannot read the values: ${h5Reason(error)}`, at);
    }
  }

  /** Values as h5wasm returns them, as float32. */
  private float32(value: unknown, dataset: Dataset, at: ModelFileLocation): Float32Array {
    if (value instanceof Float32Array) return value;
    if (ArrayBuffer.isView(value) && !(value instanceof DataView) && !(value instanceof BigInt64Array) && !(value instanceof BigUint64Array)) {
      return Float32Array.from(value as unknown as ArrayLike<number>);
    }
    if (typeof value === 'number') return Float32Array.of(value);
    throw new ModelFileError(`expected numbers, found ${typeof value === 'object' && value !== null ? value.constructor.name : typeof value} (dtype ${JSON.stringify(dataset.dtype)})`, at);
  }
}

/**
 * The parts of a dataset of `shape` in row-major order, each a hyperslab (`[start, stop)` per axis)
 * of at most `budget` values: the leading axes one index at a time, then runs along the first axis
 * whose trailing block fits, the axes after it whole.
 */
function* hyperslabs(shape: readonly number[], budget: number): Generator<[number, number][]> {
  let axis = 0;
  while (axis < shape.length - 1 && product(shape.slice(axis + 1)) > budget) axis++;
  const step = Math.max(1, Math.floor(budget / product(shape.slice(axis + 1))));
  const whole = shape.slice(axis + 1).map((d): [number, number] => [0, d]);
  // The leading indices count up like digits, each with the parts of `axis` in turn.
  for (let outer = 0; outer < product(shape.slice(0, axis)); outer++) {
    const lead: [number, number][] = [];
    for (let a = axis - 1, rest = outer; a >= 0; rest = Math.floor(rest / shape[a]), a--) lead.unshift([rest % shape[a], (rest % shape[a]) + 1]);
    for (let start = 0; start < shape[axis]; start += step) yield [...lead, [start, Math.min(start + step, shape[axis])], ...whole];
  }
}
