import spec from './model.json' with { type: 'json' };

/** The model's spec: name, frozen threshold, input and output names, class ids. */
export const MODEL_SPEC = spec;

/**
 * Where the ONNX file is: a file: URL in Node, a URL relative to this module in a bundle.
 * Node: `readFile(MODEL_URL)`; browsers: `fetch(MODEL_URL)`.
 */
export const MODEL_URL = new URL('./starlight.onnx', import.meta.url);
