/**
 * A one-line progress bar on stderr (only when stderr is a terminal): count, rate and, once the
 * total is known (a second, lazy walk counts the inputs), a bar and the ETA.
 */
export class Progress {
  private done = 0;
  private total: number | null = null;
  private readonly start = Date.now();
  private last = 0;
  private shown = false;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  setTotal(n: number): void {
    this.total = n;
    this.render(true);
  }

  tick(): void {
    this.done++;
    this.render(false);
  }

  /** Erases the line (before other output goes to the same terminal, and at the end). */
  clear(): void {
    if (!this.shown) return;
    this.stream.write('\r\x1b[K');
    this.shown = false;
  }

  private render(force: boolean): void {
    const now = Date.now();
    if (!force && this.shown && now - this.last < 100) return;
    this.last = now;
    const secs = (now - this.start) / 1000;
    const rate = secs > 0 ? this.done / secs : 0;
    const count = `${this.done}/${this.total ?? '?'}`;
    let line = `${count} ${rate.toFixed(1)} img/s`;
    if (this.total !== null && this.total > 0) {
      const frac = Math.min(1, this.done / this.total);
      const eta = rate > 0 ? (this.total - this.done) / rate : NaN;
      const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - line.length - 20));
      const fill = Math.round(frac * width);
      line = `[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${(frac * 100).toFixed(0).padStart(3)}% ${line} ETA ${formatDuration(eta)}`;
    }
    this.stream.write(`\r\x1b[K${line}`);
    this.shown = true;
  }
}

export function formatDuration(s: number): string {
  if (!Number.isFinite(s)) return '--';
  if (s < 60) return `${Math.ceil(s)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
