// What the read-only endpoints show about a job, built from the runner's published snapshot
// and the manager's spec: never waits on a running step.
import type { JobErrorInfo, JobStatusSnapshot } from './engine.js';
import type { JobKind, JobSpec } from './job-spec.js';

/** 'broken': the stored job could not be loaded (see lastError). */
export type JobRunState = 'running' | 'paused' | 'broken';

export interface JobStatus {
  readonly name: string;
  readonly kind: JobKind | undefined;
  readonly state: JobRunState;
  readonly syncState: string;
  readonly subSyncState: string;
  readonly prevCommitSeq: bigint | undefined;
  readonly pausedReason: string | undefined;
  readonly lastError: JobErrorInfo | undefined;
}

export function jobStatus(name: string, spec: JobSpec | undefined, snapshot: JobStatusSnapshot, loadError?: JobErrorInfo): JobStatus {
  return {
    name,
    kind: spec?.kind,
    state: spec === undefined ? 'broken' : spec.state,
    syncState: snapshot.syncState,
    subSyncState: snapshot.subSyncState,
    prevCommitSeq: snapshot.prevCommitSeq,
    pausedReason: spec?.pausedReason,
    lastError: loadError ?? snapshot.lastError,
  };
}
