/** The model's spec: name, frozen threshold, input and output names, class ids. */
export const MODEL_SPEC = Object.freeze({
  "name": "starlight-detector",
  "threshold": 0.9965196895810277,
  "inputs": [
    "pixel",
    "meta",
    "alpha",
    "lsb",
    "palette",
    "palette_lsb",
    "format",
    "content",
    "bits",
    "tail",
    "stats",
    "evidence"
  ],
  "outputs": [
    "stego_logit",
    "method_logits",
    "bit_order_logits",
    "embedding"
  ],
  "methods": [
    "alpha",
    "palette",
    "lsb.rgb",
    "exif",
    "eoi"
  ],
  "bit_orders": [
    "lsb-first",
    "msb-first",
    "none"
  ],
  "bit_order_margin": 4.135008811950684,
  "opset": 17,
  "precision": "fp32",
  "triplet": true,
  "version": "0.10.0"
});

/**
 * Where the ONNX file is: a file: URL in Node, a URL relative to this module in a bundle.
 * Node: `readFile(MODEL_URL)`; browsers: `fetch(MODEL_URL)`.
 */
export const MODEL_URL = new URL('./starlight.onnx', import.meta.url);
