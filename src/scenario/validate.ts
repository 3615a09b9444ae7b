/** A scenario document → its validated raw form, or the issues that the caller turns into a located error. */
import type { Document } from 'yaml';
import { genericMessage } from './fields.js';
import { scenarioSchema } from './schema.js';

/** Validates the document as it stands (after ${VAR} and overrides). `cliDuration`: --duration was given. */
export function validateDocument(document: Document, cliDuration: boolean) {
  const input: unknown = document.toJS({ maxAliasCount: 1000 });
  return scenarioSchema({ cliDuration }).safeParse(input, { error: genericMessage });
}
