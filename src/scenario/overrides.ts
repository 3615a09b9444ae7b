/** CLI `--set key.path=value` overrides, applied to the document before validation. */
import { isMap, isScalar, isSeq, parseDocument, type Document } from 'yaml';
import { ScenarioError } from '../errors.js';
import type { FieldPath } from './source.js';

/** One applied override: errors inside `path` are reported against `source`, not a file line. */
export interface Override {
  readonly path: FieldPath;
  /** as given on the command line: `phases.0.rate=300` */
  readonly source: string;
}

/** Applies each `path=value` (value parsed as YAML) to the document, creating missing maps. */
export function applyOverrides(document: Document, assignments: readonly string[]): Override[] {
  return assignments.map((source) => {
    const fail = (what: string): never => {
      throw new ScenarioError(`--set ${source}: ${what}`);
    };
    const eq = source.indexOf('=');
    if (eq <= 0) fail("expected key.path=value (e.g. --set phases.0.rate=300)");
    const keyPath = source.slice(0, eq).trim();
    const segments = keyPath.split('.');
    if (segments.some((s) => s === '')) fail(`'${keyPath}' has an empty segment; expected key.path=value`);
    const valueDocument = parseDocument(source.slice(eq + 1));
    if (valueDocument.errors.length > 0) fail(`the value is not valid YAML: ${valueDocument.errors[0].message.split('\n')[0]}`);

    let parent: unknown = document.contents;
    const path: (string | number)[] = [];
    for (const [i, segment] of segments.entries()) {
      const last = i === segments.length - 1;
      const here = path.length === 0 ? 'the top level' : path.join('.');
      if (isSeq(parent)) {
        const index = Number(segment);
        if (!/^\d+$/.test(segment) || index >= parent.items.length) {
          fail(`${here} is a list of ${parent.items.length} item(s); '${segment}' is not an index in it`);
        }
        path.push(index);
        if (last) parent.items[index] = valueDocument.contents;
        else parent = parent.items[index];
      } else if (isMap(parent)) {
        path.push(segment);
        if (last) parent.set(segment, valueDocument.contents);
        else {
          const existing: unknown = parent.get(segment, true);
          if (existing === undefined || (isScalar(existing) && existing.value === null)) parent.set(segment, document.createNode({}));
          parent = parent.get(segment, true);
        }
      } else {
        const value = isScalar(parent) ? `'${String(parent.value)}'` : 'empty';
        fail(`${here} is ${value}, not a map or a list, so it has no '${segment}'`);
      }
    }
    return { path, source };
  });
}
