import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@gx/db/testing';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApi } from '../index.js';
import { dataOf, gql, moveCommands, register, registration, signUp, startTestApi } from './helpers.js';

const executablePath = '/usr/bin/chromium';
const screenshots = path.join(import.meta.dirname, '..', '..', 'test-results');

let database: TestDatabase;
let api: RunningApi;
let profile: string;
let browser: BrowserContext;
const problems: string[] = [];

beforeAll(async () => {
  if (!existsSync(executablePath)) {
    throw new Error(
      `GraphiQL test: ${executablePath} is missing. Install the Debian package "chromium": apt-get update && apt-get install -y chromium`,
    );
  }
  database = await createTestDatabase();
  api = await startTestApi(database);
  profile = mkdtempSync(path.join(tmpdir(), 'gx-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  mkdirSync(screenshots, { recursive: true });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await api?.stop();
  await database?.drop();
});

/** Opens GraphiQL with `query` in the editor, watching for failed requests and CSP violations. */
async function open(query: string): Promise<Page> {
  const page = await browser.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(message.text());
  });
  page.on('requestfailed', (request) => {
    if (!request.url().startsWith('blob:'))
      problems.push(`${request.url()}: ${request.failure()?.errorText}`);
  });
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(`${api.url}/graphql?query=${encodeURIComponent(query)}`);
  await page.locator('.graphiql-execute-button').waitFor({ timeout: 30_000 });
  // everything came from this server: nothing from a CDN
  const origin = new URL(api.url).origin;
  expect(
    requests.filter((u) => !u.startsWith(origin) && !u.startsWith('blob:') && !u.startsWith('data:')),
  ).toEqual([]);
  return page;
}

async function responseText(page: Page, contains: string) {
  const response = page.locator('.graphiql-response');
  await expect
    .poll(async () => (await response.textContent()) ?? '', { timeout: 15_000 })
    .toContain(contains);
  return (await response.textContent()) ?? '';
}

describe('GraphiQL', () => {
  it('renders from local assets and runs a query', async () => {
    const receipt = await register(api, registration());
    const page = await open(
      `query Registration {\n  command(id: "${receipt.commandId}") {\n    id\n    type\n    status\n  }\n}`,
    );
    await page.locator('.graphiql-execute-button').click();
    const text = await responseText(page, 'REGISTER');
    expect(text).toContain(receipt.commandId);
    await page.screenshot({ path: path.join(screenshots, 'graphiql-query.png') });
    await page.close();
  });

  it('runs a commandStatus subscription over WebSocket', async () => {
    const receipt = await register(api, registration());
    const page = await open(
      `subscription Follow {\n  commandStatus(id: "${receipt.commandId}") {\n    id\n    status\n  }\n}`,
    );
    const sockets: string[] = [];
    page.on('websocket', (socket) => sockets.push(socket.url()));
    await page.locator('.graphiql-execute-button').click();
    await responseText(page, 'ACCEPTED');
    await moveCommands(database, [receipt.commandId], 'PROJECTED');
    await responseText(page, 'PROJECTED');
    expect(sockets).toEqual([`${api.url.replace(/^http/, 'ws')}/graphql`]);
    await page.screenshot({ path: path.join(screenshots, 'graphiql-subscription.png') });
    await page.close();
    expect(problems.filter((p) => /Content Security Policy|Refused to/.test(p))).toEqual([]);
  });

  it("takes an admin's token from the Headers tab for a subscription over WebSocket", async () => {
    const user = await signUp(api, database);
    const admin = await signUp(api, database, { email: 'admin@example.com' });
    const update = dataOf(
      await gql<{ updateProfile: { commandId: string } }>(
        api,
        'mutation { updateProfile(input: { lastName: "G" }) { commandId } }',
        {},
        {
          token: user.accessToken,
        },
      ),
    ).updateProfile.commandId;
    const page = await open(
      `subscription Follow {\n  commandStatus(id: "${update}") {\n    id\n    type\n    status\n  }\n}`,
    );
    await page.getByText('Headers', { exact: true }).click();
    await page.locator('.graphiql-editor-tool .monaco-editor').last().click();
    await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${admin.accessToken}` }));
    await page.locator('.graphiql-execute-button').click();
    await responseText(page, 'UPDATE_PROFILE');
    await page.screenshot({ path: path.join(screenshots, 'graphiql-admin.png') });
    await page.close();
  });
});
