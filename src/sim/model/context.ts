// What every model service works on: the cluster state, the injected clock and the SQL
// layer's predicate compiler (DELETE … WHERE is stored as text and evaluated through it,
// so the model stays free of an expression evaluator).
import type { ColumnDef } from './schema.js';
import type { Clock, ClusterState } from './state.js';
import type { Value } from './value.js';

/** Compiles a WHERE predicate over `columns` into a row test (rows are in column order). */
export type PredicateCompiler = (sql: string, columns: ColumnDef[]) => (row: Value[]) => boolean;

export interface ModelContext {
  state: ClusterState;
  clock: Clock;
  compilePredicate: PredicateCompiler | undefined;
}
