import { parseArgs } from 'node:util';
import { EXIT } from './exit-codes.js';
import { streamsCommand } from './streams-command.js';

declare const __VERSION__: string | undefined;
const VERSION = typeof __VERSION__ === 'string' ? __VERSION__ : '0.1.0';

const HELP = `starlight ${VERSION}: find hidden payloads in images

Usage:
  starlight streams <file…> [--json]   the eight Starlight V4 feature streams of each file
  starlight --version
  starlight <command> --help

Examples:
  starlight streams examples/*.png
  starlight streams --json photo.jpg
  cat image.gif | starlight streams -
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP);
    return EXIT.OK;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return EXIT.OK;
  }
  if (command === 'streams') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } },
    });
    if (values.help || positionals.length === 0) {
      process.stdout.write(
        'Usage: starlight streams <file…> [--json]\n\n' +
          'Prints a summary of the eight streams per file; with --json one object per line:\n' +
          '  {"file", "streams": {"<name>": {"shape", "sha256", "sum", "min", "max"}}}\n' +
          'sha256 is of the float32 little-endian bytes, channel-first. "-" reads stdin.\n\n' +
          'Examples:\n  starlight streams examples/clean-0004.png\n  starlight streams --json examples/*\n',
      );
      return values.help ? EXIT.OK : EXIT.USAGE;
    }
    return streamsCommand(positionals, values.json);
  }
  process.stderr.write(`starlight: unknown command ${JSON.stringify(command)}\n\n${HELP}`);
  return EXIT.USAGE;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`starlight: ${e instanceof Error ? e.stack : String(e)}\n`);
    process.exitCode = EXIT.ERROR;
  },
);
