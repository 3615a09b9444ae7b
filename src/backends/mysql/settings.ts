import type { ConnectionOptions } from 'mysql2';
import { ScenarioError } from '../../errors.js';
import type { BackendSpecOf } from '../../scenario/types.js';

/** The `backend:` spec of a mysql scenario. */
export type MysqlSpec = BackendSpecOf<'mysql'>;

const DEFAULT_PORT = 3306;

/** How to reach the server, taken apart from the spec's URL once. */
export interface MysqlSettings {
  /** `host:port`, for messages (never the user or password) */
  readonly address: string;
  /** what every connection is opened with */
  readonly connection: ConnectionOptions;
  /** strings that must never reach a message: the password, raw and as written in the URL */
  readonly secrets: readonly string[];
}

/**
 * Reads `mysql://user:password@host:port/database` (or `mariadb://…`). The
 * database is required: the fence table lives in it.
 */
export function mysqlSettings(spec: MysqlSpec): MysqlSettings {
  const url = new URL(spec.url);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port ? Number(url.port) : DEFAULT_PORT;
  const address = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!database || database.includes('/')) {
    throw new ScenarioError(`backend.url: ${url.protocol}//${address} names no database; write ${url.protocol}//user@${address}/DATABASE (the fence table '${spec.fenceTable}' is created in it)`);
  }
  const password = decodeURIComponent(url.password);
  return {
    address,
    connection: {
      host,
      port,
      user: decodeURIComponent(url.username) || 'root',
      password,
      database,
      connectTimeout: spec.connectTimeoutMs,
      // lock names and keys are UTF-8 strings; answers are small integers
      charset: 'utf8mb4',
      multipleStatements: false,
      enableKeepAlive: true,
    },
    secrets: password ? [password, url.password] : [],
  };
}

/** `message` with every secret blanked out, on one line. */
export function scrub(message: string, secrets: readonly string[]): string {
  let clean = message.replace(/\s*\n\s*/g, ' ');
  for (const secret of secrets) if (secret) clean = clean.split(secret).join('***');
  return clean;
}

/** The short reason of a driver or server error: its code and message, secrets removed. */
export function reasonOf(error: unknown, secrets: readonly string[]): string {
  if (!(error instanceof Error)) return scrub(String(error), secrets);
  const code = (error as { code?: unknown }).code;
  const message = error.message || String(code ?? 'unknown error');
  const text = typeof code === 'string' && !message.includes(code) ? `${code}: ${message}` : message;
  return scrub(text, secrets);
}
