/**
 * A minimal protobuf encoder for messages assembled from parts that are already serialized.
 * Fabric hashes and signs exact bytes (a proposal's header, a submitted envelope), so those parts
 * are copied verbatim instead of being decoded into objects and encoded again. Fields follow
 * proto3 rules: zero and empty values are omitted, as google-protobuf does. Varints are kept as
 * numbers until `finish`, which writes the whole message into one allocation.
 */
export class ProtoWriter {
  private readonly parts: (number | Uint8Array)[] = [];
  private size = 0;

  bytes(field: number, value: Uint8Array | undefined): this {
    if (!value || value.length === 0) return this;
    return this.message(field, value);
  }

  string(field: number, value: string | undefined): this {
    return value ? this.bytes(field, Buffer.from(value, 'utf8')) : this;
  }

  uint(field: number, value: number): this {
    if (value === 0) return this;
    this.varint(field * 8);
    this.varint(value);
    return this;
  }

  /** A length-delimited field whose encoding is at hand, written even when empty (a set message, a repeated entry). */
  message(field: number, encoded: Uint8Array): this {
    this.varint(field * 8 + 2);
    this.varint(encoded.length);
    this.parts.push(encoded);
    this.size += encoded.length;
    return this;
  }

  finish(): Buffer {
    const out = Buffer.allocUnsafe(this.size);
    let at = 0;
    for (const part of this.parts) {
      if (typeof part === 'number') {
        let rest = part;
        while (rest >= 0x80) {
          out[at++] = (rest % 0x80) | 0x80;
          rest = Math.floor(rest / 0x80);
        }
        out[at++] = rest;
      } else {
        out.set(part, at);
        at += part.length;
      }
    }
    return out;
  }

  private varint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a varint: ${value}`);
    this.parts.push(value);
    this.size += varintSize(value);
  }
}

function varintSize(value: number): number {
  let size = 1;
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) size++;
  return size;
}
