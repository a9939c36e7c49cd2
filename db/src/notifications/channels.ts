/** The design's LISTEN/NOTIFY channels. */
export const channels = {
  /** api → submitter: commands are waiting (coalesced, a hint). */
  outbox: 'gx_outbox',
  /** submitter, projector → api: these command ids changed (one notice per batch or block). */
  command: 'gx_command',
} as const;

export type Channel = (typeof channels)[keyof typeof channels];
