/** `${VAR}` and `${VAR:-default}` in string values, expanded before validation. */
import { isScalar, parse, Scalar, type Document, type LineCounter } from 'yaml';
import { ScenarioError } from '../errors.js';
import { dotted, walkNodes } from './source.js';

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/** Replaces variable references in every string scalar of the document, in place. */
export function expandEnvironment(
  document: Document,
  lineCounter: LineCounter,
  env: Record<string, string | undefined>,
  file: string,
): void {
  walkNodes(document.contents, [], (node, path) => {
    if (!isScalar(node) || typeof node.value !== 'string' || !node.value.includes('${')) return;
    const expanded = node.value.replace(REFERENCE, (_, name: string, fallback: string | undefined) => {
      const value = env[name];
      // like the shell: `:-` also covers a variable set to ''
      if (value !== undefined && (value !== '' || fallback === undefined)) return value;
      if (fallback !== undefined) return fallback;
      const position = lineCounter.linePos(node.range?.[0] ?? 0);
      throw new ScenarioError(`environment variable ${name} is not set (use \${${name}:-default} to give a default)`, {
        file,
        line: position.line,
        col: position.col,
        path: dotted(path),
      });
    });
    // an unquoted `rate: ${RATE}` should become the number 300, as if it had been written there
    node.value = node.type === Scalar.PLAIN ? asPlainScalar(expanded) : expanded;
  });
}

/** The number, boolean or string a plain scalar with this text would be. */
function asPlainScalar(text: string): unknown {
  try {
    const value: unknown = parse(text);
    return value !== null && typeof value !== 'object' ? value : text;
  } catch {
    return text;
  }
}
