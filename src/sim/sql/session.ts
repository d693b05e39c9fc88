// What SQL evaluation needs to know about the connection it runs for. The MySQL server's
// Session implements it; tests and the executor may use plain objects.
import type { Value } from '../model/value.js';

export interface SqlSession {
  /** The MySQL connection id (CONNECTION_ID()). */
  readonly connectionId: number;
  /** Authenticated user name (USER() / CURRENT_USER()). */
  readonly user: string;
  /** Client host as the server saw it (USER() reports `'user'@'host'`). */
  readonly clientHost: string;
  /** Current database, or null (DATABASE()). */
  db: string | null;
  /** Session system variables by lower-case name (`@@x`, SHOW VARIABLES). */
  readonly variables: Map<string, Value>;
  /** User variables by lower-case name (`@x`). */
  readonly userVariables: Map<string, Value>;
  /** Value of LAST_INSERT_ID(). */
  lastInsertId: bigint;
}
