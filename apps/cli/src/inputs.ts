import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import picomatch from 'picomatch';

/** One input of a scan: a file path, standard input, or an argument that yields nothing scannable. */
export type Entry = { kind: 'path'; file: string } | { kind: 'stdin'; file: '-' } | { kind: 'error'; file: string; message: string };

const byName = (a: Dirent, b: Dirent): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const join = (dir: string, name: string): string => (dir === '' ? name : dir.endsWith('/') ? dir + name : `${dir}/${name}`);
const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/**
 * The files under `dir`, depth first, each directory's entries in code-point order, read one directory
 * at a time (memory is bounded by the largest directory, not by the tree). Symlinks to files are
 * followed, symlinks to directories are not (no cycles); sockets, FIFOs and devices are skipped.
 * `rel` is the path relative to the walk's root; `accept` filters files, `maxDepth` prunes.
 */
async function* walk(dir: string, rel: string, depth: number, o: { maxDepth: number; accept?: (rel: string) => boolean }): AsyncGenerator<Entry> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir === '' ? '.' : dir, { withFileTypes: true });
  } catch (e) {
    yield { kind: 'error', file: dir, message: messageOf(e) };
    return;
  }
  entries.sort(byName);
  for (const d of entries) {
    const path = join(dir, d.name);
    const r = join(rel, d.name);
    let isFile = d.isFile();
    if (d.isDirectory()) {
      if (depth + 1 < o.maxDepth) yield* walk(path, r, depth + 1, o);
      continue;
    }
    if (d.isSymbolicLink()) {
      try {
        isFile = (await stat(path)).isFile();
      } catch (e) {
        if (!o.accept || o.accept(r)) yield { kind: 'error', file: path, message: `broken symbolic link: ${messageOf(e)}` };
        continue;
      }
    }
    if (isFile && (!o.accept || o.accept(r))) yield { kind: 'path', file: path };
  }
}

/** Files matching a glob (bash-like: *, **, ?, [..], {a,b}; dotfiles only when the pattern names them), in walk order. */
async function* glob(pattern: string): AsyncGenerator<Entry> {
  const { base, glob: rest, prefix } = picomatch.scan(pattern);
  const isMatch = picomatch(rest, { dot: false });
  const maxDepth = rest.includes('**') || rest.includes('{') ? Infinity : rest.split('/').length;
  const root = base === '' ? (prefix === './' ? './' : '') : prefix + base;
  const isDir = await stat(root === '' ? '.' : root).then((s) => s.isDirectory(), () => false);
  if (isDir) yield* walk(root, '', 0, { maxDepth, accept: isMatch });
}

/**
 * Expands command-line arguments lazily, in order: `-` is standard input, an existing file is itself,
 * a directory is every file under it (recursively), otherwise a glob is expanded (matching files only);
 * an argument that names nothing gives an error entry (as a missing file does).
 */
export async function* expandInputs(args: readonly string[]): AsyncGenerator<Entry> {
  for (const arg of args) {
    if (arg === '-') {
      yield { kind: 'stdin', file: '-' };
      continue;
    }
    let isDir = false;
    let failure: unknown = null;
    try {
      isDir = (await stat(arg)).isDirectory();
    } catch (e) {
      failure = e;
    }
    if (!failure) {
      if (isDir) yield* walk(arg, '', 0, { maxDepth: Infinity });
      else yield { kind: 'path', file: arg };
      continue;
    }
    if (picomatch.scan(arg).isGlob) {
      let n = 0;
      for await (const e of glob(arg)) {
        n++;
        yield e;
      }
      if (n === 0) yield { kind: 'error', file: arg, message: `no files match ${arg}` };
      continue;
    }
    yield { kind: 'error', file: arg, message: messageOf(failure) };
  }
}
