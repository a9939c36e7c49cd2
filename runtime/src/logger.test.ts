import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from './logger.js';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger({ service: 'test', format: 'json', destination: stream });
  return { logger, output: () => lines.join('') };
}

describe('log redaction', () => {
  it('removes passwords, tokens, authorization headers and personal data wherever they ride', () => {
    const { logger, output } = capture();
    logger.info(
      {
        password: 'hunter2-password',
        refreshToken: 'rt-secret',
        headers: { authorization: 'Bearer eyJ-secret' },
        req: { headers: { authorization: 'Bearer eyJ-other', cookie: 'session=secret-cookie' } },
        input: { email: 'ada@example.com', password: 'input-password' },
        payload: { firstName: 'Ada', lastName: 'Lovelace', memo: 'private memo', amount: '10' },
        variables: { input: { password: 'var-password' } },
        connectionParams: { authorization: 'Bearer ws-secret' },
        commandId: 'c-1',
      },
      'request',
    );
    const line = output();
    for (const secret of [
      'hunter2-password',
      'rt-secret',
      'eyJ-secret',
      'eyJ-other',
      'secret-cookie',
      'ada@example.com',
      'input-password',
      'Lovelace',
      'private memo',
      'var-password',
      'ws-secret',
    ]) {
      expect(line).not.toContain(secret);
    }
    expect(line).toContain('"commandId":"c-1"');
    expect(line).toContain('"amount":"10"');
  });
});
