export interface ModelSpec {
  name: string;
  version: string;
  threshold: number;
  inputs: string[];
  outputs: string[];
  methods: string[];
  bit_orders: string[];
  /** An order is named when |logit(lsb-first) - logit(msb-first)| reaches this (frozen on validation). */
  bit_order_margin: number;
  opset: number;
  precision: 'fp32' | 'int8';
  triplet: boolean;
}
export declare const MODEL_SPEC: ModelSpec;
export declare const MODEL_URL: URL;
