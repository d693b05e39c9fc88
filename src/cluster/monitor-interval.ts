// How often a cluster job reconciles: its own monitor_interval_seconds when set, otherwise
// the syncer-wide default persisted in the store's settings (so every syncer sharing the
// store, and a restarted one, use the same value). 120 s by default, as in the Go PR: a new
// database is picked up within two minutes while an idle cluster costs two SHOW statements
// per job and interval.
import type { JobSpec } from '../jobs/job-spec.js';
import type { MetaStore } from '../meta-store/meta-store.js';

export const MONITOR_INTERVAL_KEY = 'monitor_interval_seconds';
export const DEFAULT_MONITOR_INTERVAL_SECONDS = 120;

/** The persisted default; the built-in one when none (or an unreadable one) is stored. */
export async function readDefaultInterval(store: MetaStore, signal: AbortSignal): Promise<number> {
  const stored = Number(await store.getSetting(MONITOR_INTERVAL_KEY, signal));
  return Number.isInteger(stored) && stored > 0 ? stored : DEFAULT_MONITOR_INTERVAL_SECONDS;
}

export function writeDefaultInterval(store: MetaStore, seconds: number, signal: AbortSignal): Promise<void> {
  return store.setSetting(MONITOR_INTERVAL_KEY, String(seconds), signal);
}

/** The interval a cluster job reconciles at, in seconds. */
export function effectiveInterval(spec: JobSpec, defaultSeconds: number): number {
  return spec.cluster?.monitorIntervalSeconds ?? defaultSeconds;
}
