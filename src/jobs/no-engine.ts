// The engine wired in until the sync engine exists: it refuses to create jobs (never a fake
// success) and keeps jobs already in the store loaded but idle, with the reason visible in
// job_status, so nothing in the store is changed by a build that cannot sync.
import { CcrError } from '../errors/ccr-error.js';
import type { JobRunner, JobStatusSnapshot, ProgressSummary, RunOutcome, SyncEngine } from './engine.js';
import { EMPTY_SNAPSHOT } from './engine.js';
import { JobErrorCode } from './job-errors.js';

const MESSAGE = 'this build has no sync engine yet; jobs can be created and run once the sync engine is built in';

export function noEngineError(): CcrError {
  return new CcrError(JobErrorCode.NO_ENGINE, MESSAGE, { category: 'internal', disposition: 'pause' });
}

export function createNoEngine(): SyncEngine {
  return {
    prepare: () => Promise.reject(noEngineError()),
    createRunner: () => idleRunner(),
    lag: () => Promise.reject(noEngineError()),
    setBeingSynced: () => Promise.reject(noEngineError()),
    describeProgress: (): ProgressSummary => ({ syncState: undefined, subSyncState: undefined, prevCommitSeq: undefined, lastFullSync: undefined }),
    close: () => Promise.resolve(),
  };
}

function idleRunner(): JobRunner {
  const snapshot: JobStatusSnapshot = Object.freeze({
    ...EMPTY_SNAPSHOT,
    lastError: Object.freeze({ code: JobErrorCode.NO_ENGINE, message: MESSAGE, at: new Date(), retryAt: undefined }),
  });
  return {
    run: (signal) =>
      new Promise<RunOutcome>((resolve) => {
        if (signal.aborted) resolve({ kind: 'stopped' });
        else signal.addEventListener('abort', () => resolve({ kind: 'stopped' }), { once: true });
      }),
    snapshot: () => snapshot,
    notify: () => undefined,
  };
}
