/** Debian's headless Chromium through playwright-core, for tests that look at report.html as a reader would. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { findBinary, missingServer } from './server-process.js';

/** Where Debian's chromium package puts the browser. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags for a quiet, offline, throwaway browser (the profile is a new empty --user-data-dir). */
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The reason to skip when Chromium is missing (throws under LOCKBENCH_REQUIRE_BACKENDS=1), or undefined. */
export function chromiumMissing(): { skip: string } | undefined {
  return findBinary(CHROMIUM_PATH) ? undefined : missingServer(`chromium (${CHROMIUM_PATH})`, 'apt-get install chromium');
}

/** A browser with a fresh empty profile; `close` also removes the profile. */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  // playwright takes the profile folder as launchPersistentContext's argument (it refuses --user-data-dir in args)
  const profile = mkdtempSync(join(tmpdir(), 'lockbench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 900 },
  });
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
