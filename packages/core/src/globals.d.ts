/**
 * The few host APIs core relies on that every JavaScript runtime has (browsers, workers, Node,
 * Deno, Bun) but that TypeScript only declares in its DOM or Node typings. Core compiles without
 * both, so that nothing Node- or DOM-specific can creep in; these are declared here by hand.
 */
declare namespace WebAssembly {
  interface Module {
    readonly __wasmModule?: never;
  }
  interface Instance {
    readonly exports: Record<string, unknown>;
  }
  type Imports = Record<string, Record<string, unknown>>;
  function compile(bytes: Uint8Array | ArrayBuffer): Promise<Module>;
  function instantiate(module: Module, imports?: Imports): Promise<Instance>;
}

declare class TextDecoder {
  constructor(label?: string, options?: { fatal?: boolean; ignoreBOM?: boolean });
  decode(input?: Uint8Array): string;
}

declare class TextEncoder {
  encode(input?: string): Uint8Array;
}

/** High-resolution time (every browser, worker and Node since 16). */
declare const performance: { now(): number };

/** WHATWG URL (only passed through to backends that read models). */
declare class URL {
  constructor(url: string, base?: string | URL);
  readonly href: string;
  readonly protocol: string;
  toString(): string;
}
