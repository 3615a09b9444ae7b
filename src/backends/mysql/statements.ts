/**
 * The SQL of the mysql backend, built once per fence table.
 *
 * Acquire and fence are ONE statement, one round trip:
 *
 *   INSERT INTO fence (name, value)
 *   SELECT ?, LAST_INSERT_ID(1) FROM DUAL
 *   WHERE LAST_INSERT_ID(IFNULL(GET_LOCK(?, ?), 2)) = 1
 *   ON DUPLICATE KEY UPDATE value = LAST_INSERT_ID(value + 1)
 *
 * GET_LOCK runs first (in WHERE, before any row is touched, so a waiter holds
 * no row lock). Only when it answers 1 is the key's counter row inserted (1)
 * or bumped (value + 1), under the lock and committed by the statement
 * (autocommit), so fences of one key strictly increase across holders and
 * survive a server restart. The answer comes back in the OK packet:
 * - affectedRows 1 (insert) or 2 (update): granted; insertId = the fence
 *   (LAST_INSERT_ID(expr) sets what the server reports as the insert id);
 * - affectedRows 0: not granted; insertId = GET_LOCK's answer, 0 = timed out,
 *   2 = NULL (the wait was killed, or the server failed).
 * Measured against `SELECT GET_LOCK` followed by a separate fence INSERT, the
 * single statement saves a round trip per acquire.
 */

/** insertId of an acquire that was not granted because GET_LOCK answered NULL */
export const GET_LOCK_NULL = 2;

/** What the driver returns for an INSERT (the OK packet). */
export interface OkPacket {
  readonly affectedRows: number;
  readonly insertId: number;
}

/** The statements of one backend instance. */
export interface Statements {
  /** creates the fence table unless it exists (race-safe: concurrent workers all succeed) */
  readonly createFenceTable: string;
  /** `[name, name, timeoutSeconds]` → OkPacket, decoded as described above */
  readonly acquire: string;
  /** `[name]` → one row `{ released: 1 | 0 | null }` */
  readonly release: string;
  /** → one row `{ version }`, to tell MariaDB (fractional GET_LOCK timeouts) from MySQL */
  readonly version: string;
}

/** The statements for `fenceTable` (already checked to be a plain identifier). */
export function statementsFor(fenceTable: string): Statements {
  const table = `\`${fenceTable}\``;
  return {
    createFenceTable:
      `CREATE TABLE IF NOT EXISTS ${table} (` +
      'name VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL PRIMARY KEY, ' +
      'value BIGINT UNSIGNED NOT NULL' +
      ') ENGINE=InnoDB',
    acquire:
      `INSERT INTO ${table} (name, value) SELECT ?, LAST_INSERT_ID(1) FROM DUAL ` +
      `WHERE LAST_INSERT_ID(IFNULL(GET_LOCK(?, ?), ${GET_LOCK_NULL})) = 1 ` +
      'ON DUPLICATE KEY UPDATE value = LAST_INSERT_ID(value + 1)',
    release: 'SELECT RELEASE_LOCK(?) AS released',
    version: 'SELECT VERSION() AS version',
  };
}
