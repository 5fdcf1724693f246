import { StarlightError } from '../errors.js';
import type { ModelInputsResult } from '../extract.js';
import { EXTRA_SHAPES, type ExtraInputs } from '../features/index.js';
import { DETECTOR_METHODS, PAYLOAD_METHODS, type DetectorMethod } from '../payload/types.js';
import { STREAM_NAMES, STREAM_SHAPES, type StreamName } from '../streams.js';
import type { Tensor } from './backend.js';
import { readOnnxInfo } from './onnx-info.js';

/** Every input core can compute for a model, with its per-image shape (the model adds the batch axis). */
export const MODEL_INPUT_SHAPES: Readonly<Record<string, readonly number[]>> = Object.freeze({ ...STREAM_SHAPES, ...EXTRA_SHAPES });
export const REQUIRED_OUTPUTS = ['stego_logit', 'method_logits', 'bit_order_logits'] as const;
export const BIT_ORDER_CLASSES = ['lsb-first', 'msb-first', 'none'] as const;
/**
 * The margin a model's bit-order logits need (lsb-first vs msb-first) before the scanner names an
 * order, for models whose spec carries none: ln 9, a 0.9 share of the two orders' probability.
 */
export const DEFAULT_BIT_ORDER_MARGIN = Math.log(9);
/** The ONNX metadata_props key under which a Starlight model carries its spec (model.json). */
export const SPEC_METADATA_KEY = 'starlight.spec';

export interface ModelSpec {
  name: string;
  version: string;
  precision: string;
  /** Probability at or above which an image is called stego (frozen on validation). */
  threshold: number;
  /** The method classes in class-id order: Starlight's five, or those and `dct` (DETECTOR_METHODS). */
  methods: readonly DetectorMethod[];
  bitOrders: readonly (typeof BIT_ORDER_CLASSES)[number][];
  /**
   * An order is named when |logit(lsb-first) - logit(msb-first)| reaches this (frozen on validation:
   * where the named orders are right >= 99 % of the time). Random bytes read in the wrong order are
   * other random bytes, so their order cannot be told, and a model may still be sure of it.
   */
  bitOrderMargin: number;
  inputs: readonly string[];
  outputs: readonly string[];
}

/** A model ready for a backend: its bytes and its spec. */
export interface LoadedModel {
  bytes: Uint8Array;
  spec: ModelSpec;
}

/** Fields of model.json (snake_case as the trainer writes it) that a caller may pass or a model may carry. */
export interface ModelSpecJson {
  name?: string;
  version?: string;
  precision?: string;
  threshold?: number;
  methods?: string[];
  bit_orders?: string[];
  bit_order_margin?: number;
}

function fail(msg: string): never {
  throw new StarlightError('E_MODEL', msg);
}

/**
 * Checks an ONNX file against what the scan pipeline needs and returns its spec: the graph's inputs
 * must all be inputs core computes, the three outputs must be there, and the spec comes from the
 * model's own `starlight.spec` metadata, overridden by `override` (e.g. the JSON beside a model).
 * Every problem is an E_MODEL error that names the missing or unknown input/output.
 */
export function loadModel(bytes: Uint8Array, override: ModelSpecJson = {}): LoadedModel {
  const info = readOnnxInfo(bytes);
  const unknown = info.inputs.filter((n) => !(n in MODEL_INPUT_SHAPES));
  if (unknown.length) fail(`the model wants input(s) ${unknown.join(', ')}, which Starlight does not compute (known: ${Object.keys(MODEL_INPUT_SHAPES).join(', ')})`);
  if (!info.inputs.length) fail('the model declares no inputs');
  const missing = REQUIRED_OUTPUTS.filter((n) => !info.outputs.includes(n));
  if (missing.length) fail(`the model has no output(s) ${missing.join(', ')} (it has: ${info.outputs.join(', ') || 'none'})`);
  let meta: ModelSpecJson = {};
  const raw = info.metadata[SPEC_METADATA_KEY];
  if (raw !== undefined) {
    try {
      meta = JSON.parse(raw) as ModelSpecJson;
    } catch {
      fail(`the model's ${SPEC_METADATA_KEY} metadata is not JSON`);
    }
  }
  const j = { ...meta, ...override };
  const threshold = j.threshold ?? 0.5;
  if (typeof threshold !== 'number' || !(threshold > 0 && threshold < 1)) fail(`threshold must be a number in (0, 1), got ${String(threshold)}`);
  const methods = (j.methods ?? PAYLOAD_METHODS) as DetectorMethod[];
  const known = [PAYLOAD_METHODS, DETECTOR_METHODS] as readonly (readonly string[])[];
  if (!known.some((k) => k.length === methods.length && methods.every((m, i) => m === k[i]))) {
    fail(`the model's method classes ${JSON.stringify(methods)} are neither Starlight's ${JSON.stringify(PAYLOAD_METHODS)} nor ${JSON.stringify(DETECTOR_METHODS)}`);
  }
  const bitOrders = (j.bit_orders ?? BIT_ORDER_CLASSES) as ModelSpec['bitOrders'];
  if (bitOrders.length !== 3 || bitOrders.some((b, i) => b !== BIT_ORDER_CLASSES[i])) fail(`the model's bit-order classes ${JSON.stringify(bitOrders)} are not ${JSON.stringify(BIT_ORDER_CLASSES)}`);
  const bitOrderMargin = j.bit_order_margin ?? DEFAULT_BIT_ORDER_MARGIN;
  if (typeof bitOrderMargin !== 'number' || !(bitOrderMargin >= 0 && bitOrderMargin < Infinity)) fail(`bit_order_margin must be a finite number >= 0, got ${String(bitOrderMargin)}`);
  return {
    bytes,
    spec: {
      name: j.name ?? 'unnamed',
      version: j.version ?? '0.0.0',
      precision: j.precision ?? 'fp32',
      threshold,
      methods,
      bitOrders,
      bitOrderMargin,
      inputs: info.inputs,
      outputs: info.outputs,
    },
  };
}

/** Batched float32 feeds for the named inputs, one row per image (the same order as `items`). */
export function buildFeeds(items: readonly Pick<ModelInputsResult, 'streams' | 'extras'>[], names: readonly string[]): Record<string, Tensor> {
  const feeds: Record<string, Tensor> = {};
  for (const name of names) {
    const shape = MODEL_INPUT_SHAPES[name];
    if (!shape) fail(`no such model input: ${name}`);
    const per = shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(per * items.length);
    items.forEach((x, i) => {
      const d = (STREAM_NAMES as readonly string[]).includes(name) ? x.streams[name as StreamName].data : x.extras[name as keyof ExtraInputs];
      data.set(d, i * per);
    });
    feeds[name] = { data, dims: [items.length, ...shape] };
  }
  return feeds;
}
