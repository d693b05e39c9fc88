// Renders /view: an HTML page (default), a plain-text table, or raw JSON rows.
import type { JobOverviewRow } from '../jobs/job-overview.js';
import { formatLocalTime } from './go-time.js';

const COLUMNS = [
  'Job Name',
  'Owner',
  'Type',
  'Parent',
  'State',
  'Lag',
  'Lag(Secs)',
  'Sync State',
  'Sub Sync State',
  'Commit Seq',
  'Last Fullsync Time',
  'Last Fullsync Reason',
  'Is Hostmapping',
  'Other Args',
] as const;

function cells(r: JobOverviewRow): string[] {
  return [
    r.name,
    r.owner,
    r.kind ?? '-',
    r.parent ?? '-',
    r.state,
    r.lag ? String(r.lag.binlogs) : '-',
    r.lag ? String(r.lag.seconds) : '-',
    r.syncState || '-',
    r.subSyncState || '-',
    r.prevCommitSeq === undefined ? '-' : String(r.prevCommitSeq),
    r.lastFullSync ? formatLocalTime(r.lastFullSync.at) : '-',
    r.lastFullSync?.reason || '-',
    String(r.hostMapping),
    r.otherArgs || '-',
  ];
}

export function renderTable(rows: readonly JobOverviewRow[]): string {
  const all = [[...COLUMNS], ...rows.map(cells)];
  const widths = COLUMNS.map((_, i) => Math.max(...all.map((row) => (row[i] ?? '').length)));
  const line = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+`;
  const fmt = (row: string[]): string => `| ${row.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  const [header, ...body] = all;
  return [line, fmt(header ?? []), line, ...body.map(fmt), ...(body.length ? [line] : []), ''].join('\n');
}

const escapeHtml = (s: string): string =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

export function renderHtml(rows: readonly JobOverviewRow[], version: string): string {
  const head = COLUMNS.map((c) => `<th>${escapeHtml(c)}</th>`).join('');
  const body = rows.map((r) => `<tr>${cells(r).map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>ccr-syncer jobs</title>
<style>body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}th,td{border:1px solid #999;padding:4px 8px;text-align:left}th{background:#eee}</style>
</head><body>
<h1>ccr-syncer jobs</h1>
<p>${rows.length} job(s); syncer ${escapeHtml(version)}; generated ${escapeHtml(formatLocalTime(new Date()))}. Lag is shown for jobs running on this syncer.</p>
<table><thead><tr>${head}</tr></thead><tbody>
${body}
</tbody></table>
</body></html>
`;
}

/** Rows for ?type=raw, with JSON-safe values. */
export function rawRows(rows: readonly JobOverviewRow[]): Record<string, unknown>[] {
  return rows.map((r) => ({
    name: r.name,
    owner: r.owner,
    type: r.kind ?? null,
    parent: r.parent ?? null,
    state: r.state,
    lag: r.lag?.binlogs ?? null,
    lag_secs: r.lag?.seconds ?? null,
    sync_state: r.syncState,
    sub_sync_state: r.subSyncState,
    commit_seq: r.prevCommitSeq ?? null,
    last_fullsync_time: r.lastFullSync ? formatLocalTime(r.lastFullSync.at) : null,
    last_fullsync_reason: r.lastFullSync?.reason ?? null,
    is_hostmapping: r.hostMapping,
    other_args: r.otherArgs,
  }));
}
