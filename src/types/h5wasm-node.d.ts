// h5wasm's Node build (`h5wasm/node`, NODERAWFS: files are read from the host file system on
// demand) has the same API as its main entry; tsconfig's "node" resolution does not read the
// package's `exports`, so the types are pointed at it here.
declare module 'h5wasm/node' {
  export * from 'h5wasm';
  import h5wasm from 'h5wasm';
  export default h5wasm;
}
