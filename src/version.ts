import { readFileSync } from 'node:fs';

/** lockbench's version, from package.json (one level above src/ and dist/). */
export const toolVersion: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
