// The TCP connections of a process (Linux /proc), to attribute the client addresses a
// simulator recorded to the process that used them. Linux reuses an ephemeral port for
// connections to different servers, so a client is identified by its local port *and* the
// server port it is connected to. Works on stopped (SIGSTOP) processes.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** Local ports of the TCP connections `pid` holds open now to server port `remotePort` (IPv4 and IPv6). */
export function tcpLocalPorts(pid: number, remotePort: number): Set<number> {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m?.[1]) inodes.add(m[1]);
    } catch {
      // closed meanwhile
    }
  }
  const ports = new Set<number>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const [, local, remote] = cols;
      const inode = cols[9];
      if (local === undefined || remote === undefined || inode === undefined || !inodes.has(inode)) continue;
      const port = (address: string): number => parseInt(address.slice(address.lastIndexOf(':') + 1), 16);
      if (port(remote) === remotePort) ports.add(port(local));
    }
  }
  return ports;
}
