// One client connection's session state, as the query handler sees it.
import type { Value } from '../model/value.js';
import type { SqlSession } from '../sql/session.js';
import { defaultSessionVariables } from '../sql/system-variables.js';

export class Session implements SqlSession {
  db: string | null = null;
  readonly variables: Map<string, Value> = defaultSessionVariables();
  readonly userVariables = new Map<string, Value>();
  lastInsertId = 0n;
  /** Whether the client allows several statements per COM_QUERY (CLIENT_MULTI_STATEMENTS). */
  multiStatements = false;
  /** Connection attributes the client sent (program name, driver version …). */
  attributes: Record<string, string> = {};

  constructor(
    readonly connectionId: number,
    readonly user: string,
    readonly clientHost: string,
  ) {}

  /** COM_RESET_CONNECTION: back to a fresh session, keeping user and current database. */
  reset(): void {
    this.variables.clear();
    for (const [k, v] of defaultSessionVariables()) this.variables.set(k, v);
    this.userVariables.clear();
    this.lastInsertId = 0n;
  }
}
