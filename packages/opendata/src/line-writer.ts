import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';

/** Writes text to a file with backpressure: waits for 'drain' instead of buffering without bound. */
export class LineWriter {
  private readonly out: WriteStream;
  lines = 0;
  constructor(path: string) {
    this.out = createWriteStream(path, { encoding: 'utf8' });
  }

  async write(text: string): Promise<void> {
    this.lines++;
    if (!this.out.write(text)) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    this.out.end();
    await once(this.out, 'finish');
  }
}
