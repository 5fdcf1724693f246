import { StarlightError } from '../errors.js';

/**
 * What core needs to know about an ONNX file before handing it to a runtime: its graph's input and
 * output names and its metadata_props (where the Starlight spec travels with the model). A minimal
 * protobuf walk over ModelProto (onnx.proto3): field 7 graph, 14 metadata_props; in GraphProto
 * 11 input, 12 output, 5 initializer; ValueInfoProto and TensorProto name fields 1 and 8.
 */
export interface OnnxInfo {
  inputs: string[];
  outputs: string[];
  metadata: Record<string, string>;
}

type Field = { no: number; wire: number; value: number | Uint8Array };

function* fields(b: Uint8Array): Generator<Field> {
  let p = 0;
  const varint = (): number => {
    let v = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (p >= b.length) throw new Error('truncated varint');
      const c = b[p++]!;
      v += (c & 0x7f) * mul;
      if (c < 0x80) return v;
      mul *= 128;
    }
    throw new Error('varint too long');
  };
  while (p < b.length) {
    const key = varint();
    const no = Math.floor(key / 8);
    const wire = key & 7;
    if (no === 0) throw new Error('field number 0');
    if (wire === 0) yield { no, wire, value: varint() };
    else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      if (p + n > b.length) throw new Error('truncated fixed field');
      p += n;
      yield { no, wire, value: 0 };
    } else if (wire === 2) {
      const n = varint();
      if (p + n > b.length) throw new Error('truncated length-delimited field');
      yield { no, wire, value: b.subarray(p, p + n) };
      p += n;
    } else throw new Error(`wire type ${wire}`);
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: false });

function stringField(msg: Uint8Array, no: number): string | null {
  for (const f of fields(msg)) if (f.no === no && f.value instanceof Uint8Array) return utf8.decode(f.value);
  return null;
}

export function readOnnxInfo(bytes: Uint8Array): OnnxInfo {
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw new StarlightError('E_MODEL', 'the model is empty');
  try {
    let graph: Uint8Array | null = null;
    let irVersion = false;
    const metadata: Record<string, string> = {};
    for (const f of fields(bytes)) {
      if (f.no === 1 && f.wire === 0) irVersion = true;
      else if (f.no === 7 && f.value instanceof Uint8Array) graph = f.value;
      else if (f.no === 14 && f.value instanceof Uint8Array) {
        const k = stringField(f.value, 1);
        if (k !== null) metadata[k] = stringField(f.value, 2) ?? '';
      }
    }
    if (!irVersion || !graph) throw new Error('no ir_version or graph');
    const inputs: string[] = [];
    const outputs: string[] = [];
    const initializers = new Set<string>();
    for (const f of fields(graph)) {
      if (!(f.value instanceof Uint8Array)) continue;
      if (f.no === 11) inputs.push(stringField(f.value, 1) ?? '');
      else if (f.no === 12) outputs.push(stringField(f.value, 1) ?? '');
      else if (f.no === 5) initializers.add(stringField(f.value, 8) ?? '');
    }
    return { inputs: inputs.filter((n) => !initializers.has(n)), outputs, metadata };
  } catch (e) {
    throw new StarlightError('E_MODEL', `not a valid ONNX model: ${(e as Error).message}`, { cause: e });
  }
}
