import type { ScanResult } from '@starlight/core';
import type { Output } from '../output.js';

/** What every output format receives: the scan result contract plus the file as given (`-` for stdin). */
export type ScanRecord = { file: string } & ScanResult;

export interface Summary {
  files: number;
  stego: number;
  clean: number;
  errors: number;
  seconds: number;
  exitCode: number;
  /** Set when the scan stopped early (a worker crashed): the message. */
  aborted: string | null;
}

export interface FormatContext {
  out: Output;
  version: string;
  /** Relative paths in SARIF are relative to this directory. */
  cwd: string;
  /** --quiet: no summary line in the table. */
  quiet: boolean;
  startTime: Date;
}

/** One output format: streamed, a record at a time, never holding the results. */
export interface Formatter {
  begin(): Promise<void>;
  record(r: ScanRecord): Promise<void>;
  end(summary: Summary): Promise<void>;
}
