/** The model's spec: name, frozen threshold, input and output names, class ids. */
export const MODEL_SPEC = Object.freeze({
  "name": "starlight-detector",
  "threshold": 0.9992884988299083,
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
    "evidence",
    "dct"
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
    "eoi",
    "dct"
  ],
  "bit_orders": [
    "lsb-first",
    "msb-first",
    "none"
  ],
  "bit_order_margin": 3.960742235183716,
  "opset": 17,
  "precision": "fp32",
  "triplet": true,
  "version": "0.11.0"
});

/**
 * Where the ONNX file is: a file: URL in Node, a URL relative to this module in a bundle.
 * Node: `readFile(MODEL_URL)`; browsers: `fetch(MODEL_URL)`.
 */
export const MODEL_URL = new URL('./starlight.onnx', import.meta.url);
