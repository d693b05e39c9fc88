import { describe, expect, it } from 'vitest';
import { CcrError } from '../../errors/ccr-error.js';
import { parseJobInfo, snapshotContents, withExtraInfo } from './job-info.js';

const JOB_INFO =
  '{"name":"ccrs_j_1_1","database":"ccr","id":10010,"backup_time":1716800300000,"content":"ALL",' +
  '"backup_objects":{"t1":{"id":10020,"partitions":{}},"t2":{"id":9223372036854775000,"partitions":{}}},' +
  '"new_backup_objects":{"views":[{"id":10030,"name":"v1"}],"odbc_tables":[],"odbc_resources":[]},' +
  '"table_commit_seq_map":{"10020":20900,"9223372036854775000":20901},"tablet_be_map":{"10041":10002}}';

describe('snapshot job_info', () => {
  it('reads per-table commit seqs, table and view names with 64-bit ids exact', () => {
    const c = snapshotContents(parseJobInfo(JOB_INFO, 's'));
    expect(c.tableCommitSeqMap).toEqual(new Map([[10020n, 20900n], [9223372036854775000n, 20901n]]));
    expect(c.tableNames).toEqual(new Map([[10020n, 't1'], [9223372036854775000n, 't2'], [10030n, 'v1']]));
    expect(c.viewIds).toEqual([10030n]);
  });

  it('adds extra_info and leaves every other byte of meaning intact', () => {
    const out = withExtraInfo(parseJobInfo(JOB_INFO, 's'), [{ id: 10002n, host: '10.0.0.5', httpPort: 8040 }], 'tok').toString();
    expect(out).toContain('"extra_info":{"be_network_map":{"10002":{"ip":"10.0.0.5","port":8040}},"token":"tok"}');
    expect(out).toContain('"t2":{"id":9223372036854775000');
    expect(out.startsWith(JOB_INFO.slice(0, -1))).toBe(true);
  });

  it('rejects job_info that is not a JSON object', () => {
    expect(() => parseJobInfo('[1]', 'snap')).toThrow(CcrError);
    expect(() => parseJobInfo('{', 'snap')).toThrow(/snapshot snap is not valid JSON/);
  });
});
