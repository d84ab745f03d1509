/**
 * Read buffers that are used again (issue 4). A fresh buffer per file costs a page fault per 4 KiB
 * the first time it is written, and faults were a large share of a backfill's CPU time
 * (docs/performance.md). A thread keeps the few buffers its reads in flight need and reuses them.
 */
export class ScratchBuffers {
  private readonly free: Buffer[] = [];

  /** @param keep buffers kept for reuse at most; more in flight are allocated and dropped. */
  constructor(private readonly keep: number) {}

  /** A buffer of at least `size` bytes, its content undefined. Give it back with `give`. */
  take(size: number): Buffer {
    const at = this.free.findIndex(b => b.length >= size);
    if (at >= 0) return this.free.splice(at, 1)[0]!;
    // Round up, so that a buffer taken for a small file serves the next larger one too.
    return Buffer.allocUnsafeSlow(Math.max(MIN_BYTES, 2 ** Math.ceil(Math.log2(size))));
  }

  /** Back for reuse; nothing may read it afterwards. */
  give(buffer: Buffer): void {
    if (this.free.length < this.keep) this.free.push(buffer);
  }
}

const MIN_BYTES = 1 << 16;
