/**
 * Uploaded files kept at rest encrypted (SM4-CTR): department exports carry ID numbers, which
 * must never sit on disk in clear. A file is stored under the SM3 of its plaintext (so the same
 * upload is recognised and resumed) and read back as a plaintext stream from any byte offset —
 * CTR can start anywhere, which the XLSX reader needs for the zip's central directory.
 *
 * Layout: 16 bytes of random IV (the first counter block), then the ciphertext.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const IV_BYTES = 16;
const BLOCK = 16;

export class TooLarge extends Error {}

/** The counter block for byte `offset`: the IV plus offset/16, as one 128-bit big-endian number. */
function counterAt(iv: Buffer, offset: number): Buffer {
  let carry = BigInt(Math.floor(offset / BLOCK));
  const out = Buffer.from(iv);
  for (let i = BLOCK - 1; i >= 0 && carry > 0n; i--) {
    const sum = BigInt(out[i] ?? 0) + (carry & 0xffn);
    out[i] = Number(sum & 0xffn);
    carry = (carry >> 8n) + (sum >> 8n);
  }
  return out;
}

export class FileVault {
  private readonly key: Buffer;

  constructor(
    private readonly dir: string,
    key: Buffer,
  ) {
    this.key = key.subarray(0, 16);
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  private file(id: string): string {
    if (!/^[0-9a-f]{64}$/.test(id)) throw new Error('invalid file id');
    return path.join(this.dir, `${id}.sm4`);
  }

  /**
   * Encrypts `input` into the vault while hashing its plaintext; stops with TooLarge as soon as
   * more than `maxBytes` arrive. Returns the plaintext's SM3 (the file's id) and size.
   */
  async store(input: Readable, maxBytes: number): Promise<{ id: string; size: number }> {
    const iv = randomBytes(IV_BYTES);
    const tmp = path.join(this.dir, `.incoming-${randomUUID()}`);
    const hash = createHash('sm3');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        size += chunk.length;
        if (size > maxBytes) return done(new TooLarge(`larger than ${maxBytes} bytes`));
        hash.update(chunk);
        done(null, chunk);
      },
    });
    const out = fs.createWriteStream(tmp, { mode: 0o600 });
    out.write(iv);
    try {
      await pipeline(input, meter, createCipheriv('sm4-ctr', this.key, iv), out);
      const id = hash.digest('hex');
      await fs.promises.rename(tmp, this.file(id));
      return { id, size };
    } catch (err) {
      await fs.promises.rm(tmp, { force: true });
      throw err;
    }
  }

  async storeFile(file: string, maxBytes: number): Promise<{ id: string; size: number }> {
    return this.store(fs.createReadStream(file), maxBytes);
  }

  /** Plaintext bytes [start, end] (inclusive, like fs.createReadStream). */
  read(id: string, start = 0, end?: number): Readable {
    const file = this.file(id);
    const fd = fs.openSync(file, 'r');
    const iv = Buffer.alloc(IV_BYTES);
    fs.readSync(fd, iv, 0, IV_BYTES, 0);
    const blockStart = start - (start % BLOCK);
    const decipher = createDecipheriv('sm4-ctr', this.key, counterAt(iv, blockStart));
    const raw = fs.createReadStream(file, { fd, start: IV_BYTES + blockStart, ...(end !== undefined ? { end: IV_BYTES + end } : {}) });
    let skip = start - blockStart;
    const trim = new Transform({
      transform(chunk: Buffer, _enc, done) {
        if (skip >= chunk.length) {
          skip -= chunk.length;
          return done();
        }
        const out = chunk.subarray(skip);
        skip = 0;
        done(null, out);
      },
    });
    raw.on('error', (err) => trim.destroy(err));
    // A reader that stops early (the XLSX reader takes a few header bytes) destroys `trim`; the
    // file must close then too, or every upload leaks a descriptor.
    trim.on('close', () => raw.destroy());
    return raw.pipe(decipher).pipe(trim);
  }

  async size(id: string): Promise<number> {
    return (await fs.promises.stat(this.file(id))).size - IV_BYTES;
  }

  has(id: string): boolean {
    return fs.existsSync(this.file(id));
  }

  async remove(id: string): Promise<void> {
    await fs.promises.rm(this.file(id), { force: true });
  }

  /**
   * What a process killed mid-upload leaves: partial `.incoming-*` files not written to since
   * `before` (ms since the epoch) are removed. Returns how many.
   */
  async removeStaleIncoming(before: number): Promise<number> {
    let n = 0;
    for (const name of await fs.promises.readdir(this.dir)) {
      if (!name.startsWith('.incoming-')) continue;
      const file = path.join(this.dir, name);
      const stat = await fs.promises.stat(file).catch(() => null);
      if (stat && stat.mtimeMs < before) {
        await fs.promises.rm(file, { force: true });
        n++;
      }
    }
    return n;
  }

  /** Stored files last written before `before` (ms since the epoch), by id. */
  async storedBefore(before: number): Promise<string[]> {
    const ids: string[] = [];
    for (const name of await fs.promises.readdir(this.dir)) {
      const m = /^([0-9a-f]{64})\.sm4$/.exec(name);
      if (!m?.[1]) continue;
      const stat = await fs.promises.stat(path.join(this.dir, name)).catch(() => null);
      if (stat && stat.mtimeMs < before) ids.push(m[1]);
    }
    return ids;
  }
}
