// Private → public address mapping for clusters behind NAT (Go V25 `host_mapping`): Doris
// reports its nodes by the addresses they use among themselves, which the syncer may not be
// able to reach.

/** host → host to connect to instead. */
export type HostMapping = ReadonlyMap<string, string> | Readonly<Record<string, string>>;

/** The address to connect to for `host`: its mapping when there is one, else `host` itself. */
export function mapHost(host: string, mapping: HostMapping | undefined): string {
  if (!mapping) return host;
  if (mapping instanceof Map) return (mapping as ReadonlyMap<string, string>).get(host) ?? host;
  const record = mapping as Readonly<Record<string, string>>;
  return Object.hasOwn(record, host) ? (record[host] ?? host) : host;
}
