import { describe, expect, it } from 'vitest';
import { isRestoreOfJob, restoreLabel, snapshotName } from './labels.js';

describe('isRestoreOfJob', () => {
  it("matches the job's full and partial restore labels", () => {
    expect(isRestoreOfJob(restoreLabel(snapshotName('x', 'full', 1, 1700000000), 1700000000123), 'x')).toBe(true);
    expect(isRestoreOfJob(restoreLabel(snapshotName('x', 'partial', 12, 1700000000), 1700000000123), 'x')).toBe(true);
    expect(isRestoreOfJob(restoreLabel(snapshotName('db.t-1', 'full', 1, 1), 2), 'db.t-1')).toBe(true);
  });

  it('does not match a job whose name merely starts with this one', () => {
    expect(isRestoreOfJob(restoreLabel(snapshotName('x_2', 'full', 1, 1700000000), 1700000000123), 'x')).toBe(false);
    expect(isRestoreOfJob(restoreLabel(snapshotName('x_2_3', 'full', 1, 1700000000), 1700000000123), 'x')).toBe(false);
    expect(isRestoreOfJob('ccrs_x_1_1700000000', 'x')).toBe(false);
  });
});
