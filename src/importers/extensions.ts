/**
 * File name extensions of the model files the importers read (without the dot), for the file
 * picker and the explorer's context menu (package.json's `explorer/context` when-clause lists the
 * same; test/extension/modelFileMenu.test.ts checks that they agree). Dependency-free, so that the
 * extension host can import it without loading any importer.
 */
export const MODEL_FILE_EXTENSIONS = ['json', 'keras', 'h5', 'hdf5', 'onnx'] as const;
