/** PostgreSQL refuses NOTIFY payloads of 8,000 bytes or more. */
const maxPayloadBytes = 7_900;

/**
 * Command ids as `gx_command` payloads: comma-separated, split so each stays under the limit.
 * A UUID is 36 ASCII bytes, so one notice holds about 210 ids.
 */
export function encodeCommandNotices(commandIds: readonly string[]): string[] {
  const notices: string[] = [];
  let current = '';
  for (const id of commandIds) {
    const next = current ? `${current},${id}` : id;
    if (Buffer.byteLength(next) > maxPayloadBytes && current) {
      notices.push(current);
      current = id;
    } else {
      current = next;
    }
  }
  if (current) notices.push(current);
  return notices;
}

export function decodeCommandNotice(payload: string): string[] {
  return payload ? payload.split(',') : [];
}
