import type { FormatContext, Formatter } from './types.js';

/** One JSON object per line: the scan result contract plus `file`. */
export function ndjsonFormatter({ out }: FormatContext): Formatter {
  return {
    begin: async () => undefined,
    record: (r) => out.write(JSON.stringify(r) + '\n'),
    end: async () => undefined,
  };
}
