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
import { ModelFileError } from './errors';

type H5wasm = typeof import('h5wasm');

let loading: Promise<H5wasm> | undefined;

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
export function loadH5wasm(): Promise<H5wasm> {
  loading ??= (async () => {
    const saved = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
    if (saved?.configurable) Object.defineProperty(globalThis, 'navigator', { value: undefined, configurable: true });
    try {
      const h5 = (await import('h5wasm/node')) as unknown as H5wasm & { default?: H5wasm };
      const api = h5.default ?? h5;
      const module = await api.ready;
      module.activate_throwing_error_handler();
      return api;
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

/** An HDF5 file open for reading, with the typed look-ups the model readers need. */
/** An HDF5 file that HDF5 itself cannot open (not HDF5, truncated, a stub). */
export class H5OpenError extends ModelFileError {}

export class H5Reader {
  private constructor(
    private readonly api: H5wasm,
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
    const api = await loadH5wasm();
    try {
      return new H5Reader(api, new api.File(path, 'r'), label);
    } catch (error) {
      throw new H5OpenError(`HDF5 cannot open this file: ${h5Reason(error)}`, { file: label });
    }
  }

  close(): void {
    this.handle.close();
  }

  /** The group at `path` (`/` is the root), or undefined when there is none. */
  group(path: string): Group | undefined {
    const entity = path === '/' || path === '' ? this.handle : this.safeGet(path);
    return entity instanceof this.api.Group ? entity : undefined;
  }

  /** The dataset at `path`, or undefined. */
  dataset(path: string): Dataset | undefined {
    const entity = this.safeGet(path);
    return entity instanceof this.api.Dataset ? entity : undefined;
  }

  private safeGet(path: string): ReturnType<H5File['get']> {
    try {
      return this.handle.get(path);
    } catch (error) {
      throw new ModelFileError(`HDF5 cannot read object "${path}": ${h5Reason(error)}`, { file: this.label, field: path });
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
    if (!owner || !(name in owner.attrs)) return undefined;
    try {
      return owner.attrs[name].value;
    } catch (error) {
      throw new ModelFileError(`HDF5 cannot read attribute "${name}": ${h5Reason(error)}`, { file: this.label, field: `${path}/${name}` });
    }
  }

  /** Shape of a dataset (`[]` for a scalar) without reading its values. */
  shape(dataset: Dataset): number[] {
    return dataset.shape ?? [];
  }

  /**
   * Reads a numeric dataset as float32 (float16 and float64 are converted, as Keras would cast).
   * @throws ModelFileError when the values cannot be read (truncated file) or are not numbers.
   */
  readFloat32(dataset: Dataset, field: string): Float32Array {
    let value: unknown;
    try {
      value = dataset.value;
    } catch (error) {
      throw new ModelFileError(`HDF5 cannot read the values: ${h5Reason(error)}`, { file: this.label, field });
    }
    if (value instanceof Float32Array) return value;
    if (ArrayBuffer.isView(value) && !(value instanceof DataView) && !(value instanceof BigInt64Array) && !(value instanceof BigUint64Array)) {
      return Float32Array.from(value as unknown as ArrayLike<number>);
    }
    if (typeof value === 'number') return Float32Array.of(value);
    throw new ModelFileError(`expected numbers, found ${typeof value === 'object' && value !== null ? value.constructor.name : typeof value} (dtype ${JSON.stringify(dataset.dtype)})`, { file: this.label, field });
  }
}
