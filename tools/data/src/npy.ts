import { closeSync, openSync, writeSync } from 'node:fs';

export type NpyDtype = 'u1' | 'i1' | 'f4';
const ITEM: Record<NpyDtype, number> = { u1: 1, i1: 1, f4: 4 };

/** A .npy file of fixed shape written row by row (flat memory; numpy can memory-map it). */
export class NpyWriter {
  private fd: number;
  private rowBytes: number;
  private headerLen: number;
  private rows = 0;

  constructor(
    readonly path: string,
    readonly dtype: NpyDtype,
    readonly shape: number[],
  ) {
    const descr = dtype === 'f4' ? '<f4' : `|${dtype}`;
    const dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
    const unpadded = 10 + dict.length + 1;
    const pad = (64 - (unpadded % 64)) % 64;
    const header = dict + ' '.repeat(pad) + '\n';
    const pre = new Uint8Array(10);
    pre.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length & 255, header.length >> 8]);
    this.fd = openSync(path, 'w');
    writeSync(this.fd, pre);
    writeSync(this.fd, Buffer.from(header, 'latin1'));
    this.headerLen = 10 + header.length;
    this.rowBytes = (shape.slice(1).reduce((a, b) => a * b, 1) || 1) * ITEM[dtype];
  }

  /** Write row i (rows may arrive out of order, e.g. from a worker pool). */
  write(i: number, row: Uint8Array | Int8Array | Float32Array): void {
    const bytes = new Uint8Array(row.buffer, row.byteOffset, row.byteLength);
    if (bytes.length !== this.rowBytes) throw new Error(`${this.path}: row of ${bytes.length} bytes, expected ${this.rowBytes}`);
    writeSync(this.fd, bytes, 0, bytes.length, this.headerLen + i * this.rowBytes);
    this.rows++;
  }

  close(): void {
    if (this.rows !== this.shape[0]) throw new Error(`${this.path}: wrote ${this.rows} of ${this.shape[0]} rows`);
    closeSync(this.fd);
  }
}
