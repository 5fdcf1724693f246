import { availableParallelism } from 'node:os';
import { BIT_ORDERS, PAYLOAD_METHODS } from '@starlight/core';

declare const __VERSION__: string | undefined;
export const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.1.0';

export const HELP = `starlight ${VERSION}: find hidden payloads in images

Usage:
  starlight scan <path…> [options]     is something hidden, by which method, and what it says
                                       (files, folders, globs, - for stdin; table, json,
                                       ndjson, csv or sarif)
  starlight extract <file> [options]   write or print the hidden payload of one image
  starlight streams <file…> [--json]   the eight Starlight V4 feature streams of each file
  starlight --version
  starlight <command> --help

Exit status (scan): 0 nothing found, 1 hidden payload found, 2 a file could not be scanned
(wins over 1), 64 usage error.

Examples:
  starlight scan photos/
  starlight scan --format sarif -o starlight.sarif 'uploads/**/*.{png,jpg,gif,webp}'
  starlight extract examples/seed1_lsb_000.png
  starlight streams examples/*.png
  starlight streams --json photo.jpg
  cat image.gif | starlight streams -
`;

export const SCAN_HELP = `Usage: starlight scan <path…> [options]

Scans images for hidden payloads: is something hidden, by which method, and what does it say.
A path is a file, a folder (scanned recursively), a glob (quote it: the globs are expanded by
starlight, files only, e.g. 'photos/**/*.{png,jpg}'), or - for standard input. Every file is
identified by its content, not its name: a non-image file is reported as E_UNSUPPORTED_FORMAT.
Results come out in input order (folders in code-point order of names), whatever the concurrency.

Options:
  -f, --format <fmt>     table | json | ndjson | csv | sarif. Default: table when writing to a
                         terminal; with --output, from its extension (.json .ndjson .jsonl .csv
                         .sarif), else ndjson
      --json             shorthand for --format ndjson: one object per file, the scan result
                         contract plus "file"
  -o, --output <file>    write the results to a file instead of standard output
  -q, --quiet            print only files with a hidden payload or an error (no clean files,
                         no summary line, no progress bar); the exit code is unchanged
      --threshold <p>    stego when the probability is >= p, 0 < p < 1 (default: the model's)
      --model <onnx>     a Starlight ONNX model (default: @starlight/model's)
  -j, --concurrency <n>  worker threads (default: one per core, ${availableParallelism()} here)
      --no-extract       do not read the payload (payload is null); --extract (default) reads it
  -h, --help

Formats: json is one array; sarif is SARIF 2.1.0 with a rule per method (starlight/alpha,
starlight/palette, starlight/lsb.rgb, starlight/exif, starlight/eoi) and per error code
(starlight/error/E_…), results for stego files (level error) and unscannable files (level
warning); csv has a header row and RFC 4180 quoting. A progress bar (count, rate, ETA) is
drawn on standard error when it is a terminal.

Exit status: 0 nothing found; 1 a hidden payload in at least one file; 2 at least one file
could not be scanned (the rest are still scanned and each failure is reported with its error
code) or the model could not be loaded; 2 wins over 1, as in clamscan. 64: usage error.
130: interrupted (Ctrl-C stops reading inputs, finishes the files in flight and closes the
output properly; a second Ctrl-C quits at once).

Examples:
  starlight scan photos/
  starlight scan 'examples/*.{png,gif,jpg,webp}'
  starlight scan 'uploads/**/*.png' --format csv --output report.csv
  starlight scan --json --no-extract photo.jpg | jq .probability
  starlight scan -q --format sarif -o starlight.sarif .
  cat image.gif | starlight scan -
`;

export const EXTRACT_HELP = `Usage: starlight extract <file> [--method <m>] [--bit-order <o>] [--out <file>] [--force]

Reads the hidden payload of one image (keyless extraction of the five Starlight methods) and
writes its bytes to --out, or prints it: as text when it is printable UTF-8 (exactly, plus a
newline on a terminal), otherwise as hex and a newline (binary never goes out raw without
--out). A one-line description (method, bit order, size, confidence) goes to standard error.
"-" reads standard input.

Only a reading whose evidence clears the "found" bar (confidence >= 0.99) counts as a payload.
Binary payloads in LSB planes carry no evidence without a marker: name the method and bit order
and add --force to take the best reading anyway.

Options:
  --method <m>       only this method: ${PAYLOAD_METHODS.join(', ')} (comma-separate several)
  --bit-order <o>    only this bit order for the LSB methods: ${BIT_ORDERS.join(', ')}
  --out <file>       write the payload bytes to this file (exif UNICODE: the UTF-16 bytes as stored)
  --force            take the best reading even below the found bar
  -h, --help

Exit status: 0 a payload was extracted; 1 no payload found; 2 the file could not be read or
decoded, or --out could not be written; 64 usage error.

Examples:
  starlight extract examples/seed1_lsb_000.png
  starlight extract examples/tiny_eoi_001.jpg --out payload.bin
  starlight extract photo.png --method lsb.rgb --bit-order msb-first --force --out raw.bin
`;

export const STREAMS_HELP =
  'Usage: starlight streams <file…> [--json]\n\n' +
  'Prints a summary of the eight streams per file; with --json one object per line:\n' +
  '  {"file", "streams": {"<name>": {"shape", "sha256", "sum", "min", "max"}}}\n' +
  'sha256 is of the float32 little-endian bytes, channel-first. "-" reads stdin.\n\n' +
  'Examples:\n  starlight streams examples/clean-0004.png\n  starlight streams --json examples/*\n';

export const COMMAND_HELP: Record<string, string> = { scan: SCAN_HELP, extract: EXTRACT_HELP, streams: STREAMS_HELP };
