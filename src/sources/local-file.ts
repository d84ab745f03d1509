import {closeSync, fstatSync, openSync, readSync} from 'node:fs';
import {KpiError} from '../errors.js';

/** A local file read with blocking calls; errors are KPI_INPUT_UNREADABLE, as other reads'. */
export class LocalFile {
  private fd: number | undefined;
  readonly size: number;

  constructor(path: string, private readonly name: string) {
    this.fd = this.attempt(() => openSync(path, 'r'));
    this.size = this.attempt(() => fstatSync(this.fd!).size);
  }

  /** Fills `buffer` from byte `position`; the bytes read (0 at the end). */
  readAt(buffer: Buffer, position: number): number {
    let got = 0;
    for (;;) {
      const n = this.attempt(() => readSync(this.fd!, buffer, got, buffer.length - got, position + got));
      got += n;
      if (n === 0 || got === buffer.length) return got;
    }
  }

  /** The whole file in `buffer` (a view of it), up to the size it had when opened. */
  readAll(buffer: Buffer): Buffer {
    return buffer.subarray(0, this.readAt(buffer.subarray(0, this.size), 0));
  }

  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    closeSync(fd);
  }

  private attempt<T>(step: () => T): T {
    try {
      return step();
    } catch (error) {
      this.close();
      throw new KpiError('KPI_INPUT_UNREADABLE', (error as Error).message, {file: this.name});
    }
  }
}
