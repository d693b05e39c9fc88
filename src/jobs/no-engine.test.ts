import { describe, expect, it } from 'vitest';
import { tableJobRequest } from '../../test/support/job-requests.js';
import { silentLogger } from '../observability/logger.js';
import { createMetrics } from '../observability/metrics.js';
import { JobErrorCode } from './job-errors.js';
import { newJobSpec } from './job-spec.js';
import { createNoEngine } from './no-engine.js';

describe('the engine of a build without a sync engine', () => {
  const engine = createNoEngine();
  const spec = newJobSpec(tableJobRequest('j1'));
  const signal = new AbortController().signal;

  it('refuses to prepare, measure lag or desync, never faking success', async () => {
    await expect(engine.prepare(spec, signal)).rejects.toMatchObject({ code: JobErrorCode.NO_ENGINE });
    await expect(engine.lag(spec, undefined, signal)).rejects.toMatchObject({ code: JobErrorCode.NO_ENGINE });
    await expect(engine.setBeingSynced(spec, false, signal)).rejects.toMatchObject({ code: JobErrorCode.NO_ENGINE });
  });

  it('keeps loaded jobs idle, says why, and stops when asked', async () => {
    const runner = engine.createRunner({
      spec,
      log: silentLogger(),
      metrics: createMetrics({ processMetrics: false }),
      loadProgress: () => Promise.reject(new Error('must not read')),
      saveProgress: () => Promise.reject(new Error('must not write')),
      updateSpec: () => Promise.reject(new Error('must not write')),
    });
    expect(runner.snapshot().lastError?.message).toContain('no sync engine');
    const ac = new AbortController();
    const run = runner.run(ac.signal);
    ac.abort();
    await expect(run).resolves.toEqual({ kind: 'stopped' });
  });
});
