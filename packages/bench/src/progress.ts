/** Progress on stderr: a redrawn bar on a TTY, otherwise one short line per finished step. */

export interface ProgressStream {
  write(s: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export function fmtDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, '0')}`;
}

/** One line: [#####.....] 12/70 17% label · eta 0:32, cut to `columns`. */
export function renderBar(done: number, total: number, label: string, etaSeconds: number | null, columns = 80): string {
  const frac = total > 0 ? Math.min(1, done / total) : 0;
  const barW = Math.max(10, Math.min(30, columns - 50));
  const filled = Math.round(frac * barW);
  const head = `[${'#'.repeat(filled)}${'.'.repeat(barW - filled)}] ${done}/${total} ${String(Math.round(frac * 100)).padStart(3)}%`;
  const eta = etaSeconds == null ? '' : ` · eta ${fmtDuration(etaSeconds)}`;
  const line = `${head} ${label}${eta}`;
  return line.length > columns - 1 ? `${line.slice(0, Math.max(0, columns - 2))}…` : line;
}

export class Progress {
  private done = 0;
  private label = '';
  private readonly started = Date.now();
  private readonly tty: boolean;

  constructor(
    private readonly total: number,
    private readonly stream: ProgressStream = process.stderr,
    tty?: boolean,
  ) {
    this.tty = tty ?? Boolean(stream.isTTY);
  }

  private eta(): number | null {
    if (this.done === 0) return null;
    const el = (Date.now() - this.started) / 1000;
    return (el / this.done) * (this.total - this.done);
  }

  private draw(): void {
    if (!this.tty) return;
    this.stream.write(
      `\r\x1b[2K${renderBar(this.done, this.total, this.label, this.eta(), this.stream.columns ?? 80)}`,
    );
  }

  private clear(): void {
    if (this.tty) this.stream.write('\r\x1b[2K');
  }

  /** A step begins (shown on the bar). */
  start(label: string): void {
    this.label = label;
    this.draw();
  }

  /** A step ended; `result` is a short summary. */
  finishStep(label: string, result: string): void {
    this.done++;
    if (this.tty) this.draw();
    else this.stream.write(`[${this.done}/${this.total}] ${label}: ${result}\n`);
  }

  /** A message that must not be overwritten by the bar. */
  log(message: string): void {
    this.clear();
    this.stream.write(`${message}\n`);
    this.draw();
  }

  end(): void {
    this.clear();
  }
}
