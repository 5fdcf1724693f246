import type { FormatContext, Formatter } from './types.js';

/** One JSON array of the ndjson objects, written element by element. */
export function jsonFormatter({ out }: FormatContext): Formatter {
  let n = 0;
  return {
    begin: () => out.write('['),
    record: (r) => out.write((n++ === 0 ? '\n' : ',\n') + JSON.stringify(r)),
    end: () => out.write(n ? '\n]\n' : ']\n'),
  };
}
