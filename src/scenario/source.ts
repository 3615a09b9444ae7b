/** The scenario's YAML document and where each of its nodes sits in the file. */
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Document, type Node } from 'yaml';
import { ScenarioError } from '../errors.js';

export type FieldPath = readonly (string | number)[];

export interface Position {
  readonly line: number;
  readonly col: number;
}

/** Dotted form of a path, as used in messages and by `locate` (`phases.1.rate`). */
export function dotted(path: FieldPath): string {
  return path.join('.');
}

/** Line/col of every key and value node of a document, by dotted path. */
export class SourceIndex {
  private readonly values = new Map<string, Position>();
  private readonly keys = new Map<string, Position>();

  constructor(document: Document, lineCounter: LineCounter) {
    const at = (offset: number | undefined): Position | undefined => (offset === undefined ? undefined : lineCounter.linePos(offset));
    walkNodes(document.contents, [], (node, path, keyNode) => {
      const id = dotted(path);
      const value = at(node?.range?.[0]);
      const key = at(keyNode?.range?.[0]);
      if (value) this.values.set(id, value);
      if (key) this.keys.set(id, key);
    });
  }

  /** Position of exactly this node (its key when `at` is 'key' and it has one). */
  exact(path: FieldPath, at: 'key' | 'value' = 'value'): Position | undefined {
    const id = dotted(path);
    return at === 'key' ? (this.keys.get(id) ?? this.values.get(id)) : (this.values.get(id) ?? this.keys.get(id));
  }

  /** Position of the node, or of its nearest ancestor written in the file (a missing field points at its parent map). */
  nearest(path: FieldPath, at: 'key' | 'value' = 'value'): Position | undefined {
    for (let n = path.length; n >= 0; n--) {
      const found = this.exact(path.slice(0, n), n === path.length ? at : 'value');
      if (found) return found;
    }
    return undefined;
  }
}

/** Calls `visit` for every node under `node` with its path (and the key node of map entries). */
export function walkNodes(
  node: unknown,
  path: FieldPath,
  visit: (node: Node | null, path: FieldPath, keyNode?: Node) => void,
  keyNode?: Node,
): void {
  visit((node ?? null) as Node | null, path, keyNode);
  if (isMap(node)) {
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      walkNodes(pair.value, [...path, key], visit, pair.key as Node);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => walkNodes(item, [...path, index], visit));
  }
}

/** Parses YAML text; a syntax error becomes a ScenarioError at the library's line:col. */
export function parseScenarioYaml(text: string, file: string): { document: Document; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true });
  const [error] = document.errors;
  if (error) {
    const position = error.linePos?.[0] ?? lineCounter.linePos(error.pos[0]);
    const firstLine = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    throw new ScenarioError(`YAML syntax error: ${firstLine}`, { file, line: position.line, col: position.col, path: '' });
  }
  if (!isMap(document.contents)) {
    const what = document.contents === null ? 'the file is empty' : 'the top level is not a map';
    const position = lineCounter.linePos(document.contents?.range?.[0] ?? 0);
    throw new ScenarioError(`${what}; a scenario is a map with at least 'name' and 'phases' or 'users'`, {
      file,
      line: position.line,
      col: position.col,
      path: '',
    });
  }
  return { document, lineCounter };
}
