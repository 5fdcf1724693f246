/** A bad command line (exit 64), raised by our own checks; node:util parseArgs raises ERR_PARSE_ARGS_* TypeErrors. */
export class UsageError extends Error {}
