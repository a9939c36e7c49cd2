/**
 * A minimal protobuf encoder for messages assembled from parts that are already serialized.
 * Fabric hashes and signs exact bytes (a proposal's header, a submitted envelope), so those parts
 * are copied verbatim instead of being decoded into objects and encoded again. Fields follow
 * proto3 rules: zero and empty values are omitted, as google-protobuf does.
 */
export class ProtoWriter {
  private readonly parts: Uint8Array[] = [];
  private size = 0;

  bytes(field: number, value: Uint8Array | undefined): this {
    if (!value || value.length === 0) return this;
    this.tag(field, 2);
    this.push(encodeVarint(value.length));
    this.push(value);
    return this;
  }

  string(field: number, value: string | undefined): this {
    return value ? this.bytes(field, Buffer.from(value, 'utf8')) : this;
  }

  uint(field: number, value: number): this {
    if (value === 0) return this;
    this.tag(field, 0);
    this.push(encodeVarint(value));
    return this;
  }

  /** A repeated or singular message field whose encoding is already at hand (always written, even if empty). */
  message(field: number, encoded: Uint8Array): this {
    this.tag(field, 2);
    this.push(encodeVarint(encoded.length));
    if (encoded.length > 0) this.push(encoded);
    return this;
  }

  finish(): Buffer {
    return Buffer.concat(this.parts, this.size);
  }

  private tag(field: number, wireType: number): void {
    this.push(encodeVarint(field * 8 + wireType));
  }

  private push(part: Uint8Array): void {
    this.parts.push(part);
    this.size += part.length;
  }
}

/** Unsigned varint of a non-negative safe integer (uint64 values stay below 2^53 here). */
export function encodeVarint(value: number): Uint8Array {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`not a varint: ${value}`);
  const out: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    out.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  out.push(rest);
  return Uint8Array.from(out);
}
