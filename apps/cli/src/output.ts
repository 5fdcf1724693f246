import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';

/**
 * Where results go (stdout or --output), with backpressure: `write` waits while the stream's buffer
 * is full, so a slow reader slows the scan instead of growing memory. A closed pipe (EPIPE, e.g.
 * `| head`) marks the output closed; the scan stops quietly.
 */
export class Output {
  closed = false;
  failure: Error | null = null;
  /** Called before each write (the progress bar clears its line when sharing the terminal). */
  beforeWrite: () => void = () => undefined;

  private constructor(
    private readonly stream: Writable,
    private readonly owned: boolean,
  ) {
    stream.on('error', (e: NodeJS.ErrnoException) => {
      this.closed = true;
      if (e.code !== 'EPIPE') this.failure = e;
    });
  }

  static stdout(): Output {
    return new Output(process.stdout, false);
  }

  /** Opens a file for writing (rejects when it cannot be created). */
  static async file(path: string): Promise<Output> {
    const stream = createWriteStream(path);
    await Promise.race([once(stream, 'open'), once(stream, 'error').then(([e]) => Promise.reject(e as Error))]);
    return new Output(stream, true);
  }

  async write(text: string): Promise<void> {
    if (this.closed) return;
    this.beforeWrite();
    if (!this.stream.write(text)) await Promise.race([once(this.stream, 'drain'), once(this.stream, 'close')]);
  }

  async close(): Promise<void> {
    if (!this.owned) return;
    if (!this.closed) {
      this.stream.end();
      await Promise.race([once(this.stream, 'finish'), once(this.stream, 'close')]).catch(() => undefined);
    }
  }
}
