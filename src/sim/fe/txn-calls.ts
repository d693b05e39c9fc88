// Debug record of the transaction calls the FEs served (beginTxn, commitTxn, rollbackTxn):
// which label, which transaction, from which client connection, with what outcome. Doris
// keeps nothing like it per call; tests use it to tell which process committed what (for
// example that a syncer whose lease ran out committed nothing). It never changes what the
// cluster answers. Bounded: the oldest calls are dropped first.

export interface TxnCall {
  readonly method: 'beginTxn' | 'commitTxn' | 'rollbackTxn';
  /** The transaction (decimal); '' when begin failed. */
  readonly txnId: string;
  readonly label: string;
  readonly db: string;
  /** The client's address as the FE's Thrift server saw it (ip:port), '' when unknown. */
  readonly peer: string;
  readonly fe: string;
  /** Simulator clock, ms since the epoch. */
  readonly atMs: number;
  /** OK, or the status name / error the call answered with. */
  readonly outcome: string;
}

export class TxnCallLog {
  private readonly calls: TxnCall[] = [];

  constructor(private readonly capacity = 20_000) {}

  record(call: TxnCall): void {
    this.calls.push(call);
    if (this.calls.length > this.capacity) this.calls.splice(0, this.calls.length - this.capacity);
  }

  /** Oldest first. */
  list(): readonly TxnCall[] {
    return this.calls;
  }
}
