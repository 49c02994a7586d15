/** Tracks the peak resident set size of the process while a benchmark runs. */
export class PeakMemory {
  private peak = 0;

  sample(): void {
    const rss = process.memoryUsage().rss;
    if (rss > this.peak) this.peak = rss;
  }

  reset(): void {
    this.peak = 0;
    this.sample();
  }

  get peakMiB(): number {
    return this.peak / 2 ** 20;
  }
}
