// The version string /version and --version report: the package version, plus the git commit
// when the build environment provides CCR_BUILD_COMMIT (the Dockerfile does).
import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function syncerVersion(): string {
  if (cached !== undefined) return cached;
  // Both src/config/ and dist/config/ sit two levels below the package root.
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  const commit = process.env.CCR_BUILD_COMMIT;
  cached = `${pkg.version ?? 'unknown'}${commit ? `:${commit}` : ''}`;
  return cached;
}
