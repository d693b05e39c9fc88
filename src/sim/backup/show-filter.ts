// The WHERE of SHOW BACKUP (SnapshotName) and SHOW RESTORE (Label): `= "x"` or `LIKE "x"`.
// Labels are case-sensitive in Doris (CaseSensibility.LABEL), so both matches are too.

/** Same shape as the SQL layer's NameFilter. */
export interface ShowNameFilter {
  op: '=' | 'LIKE';
  value: string;
}

export function labelMatcher(filter: ShowNameFilter | undefined): (label: string) => boolean {
  if (!filter) return () => true;
  if (filter.op === '=') return (label) => label === filter.value;
  let re = '';
  for (const ch of filter.value) {
    if (ch === '%') re += '.*';
    else if (ch === '_') re += '.';
    else re += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  const rx = new RegExp(`^${re}$`, 's');
  return (label) => rx.test(label);
}
