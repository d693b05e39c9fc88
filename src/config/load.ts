// Builds the Config from the command line, the environment and the config file.
// Precedence (documented in doc/configuration.md): command line > environment > config file >
// defaults. The Go syncer applied config_file after the command line, so the file silently
// overrode flags; we keep the command line on top so what you type is what runs.
import { resolve } from 'node:path';
import { ConfigError } from './config-error.js';
import { parseBool } from './option-types.js';
import type { Config, NamedOption, OptionName } from './options.js';
import { defaultConfig, OPTIONS, OPTIONS_BY_NAME } from './options.js';

export interface LoadInput {
  readonly argv: readonly string[];
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Reads a text file (config_file, secret_key_file); throws on failure. */
  readonly readFile: (path: string) => string;
  readonly cwd: string;
}

export type LoadResult =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'run'; readonly config: Config; readonly warnings: readonly string[] };

type Values = Partial<Record<OptionName, unknown>>;

export function loadConfig(input: LoadInput): LoadResult {
  const cli = parseArgv(input.argv);
  if (cli.kind !== 'run') return cli;

  const env = readEnv(input.env);
  const configFile = (cli.values.config_file ?? env.config_file ?? '') as string;
  const file = configFile === '' ? {} : readConfigFile(resolve(input.cwd, configFile), input.readFile);

  const config = { ...defaultConfig(), ...file, ...env, ...cli.values } as Record<OptionName, unknown>;
  const warnings: string[] = [];
  for (const name of new Set([...Object.keys(file), ...Object.keys(env), ...Object.keys(cli.values)])) {
    const opt = OPTIONS_BY_NAME.get(name);
    if (opt?.ignored) warnings.push(`--${name} has no effect in this port (accepted for compatibility with the Go syncer)`);
  }
  checkCombinations(config, input);
  return { kind: 'run', config: Object.freeze(config) as Config, warnings };
}

function parseArgv(argv: readonly string[]): { kind: 'help' } | { kind: 'version' } | { kind: 'run'; values: Values } {
  const values: Values = {};
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i] ?? '';
    if (token === '--') {
      if (i + 1 < argv.length) throw unexpectedArgument(argv[i + 1] ?? '');
      break;
    }
    const m = /^--?([^=]+)(?:=([\s\S]*))?$/.exec(token);
    if (!m || token === '-') throw unexpectedArgument(token);
    const name = m[1] ?? '';
    let raw = m[2];
    if (name === 'help' || name === 'h') return { kind: 'help' };
    if (name === 'version') {
      if (raw === undefined || parseBool(raw) === true) return { kind: 'version' };
      continue;
    }
    const opt = OPTIONS_BY_NAME.get(name);
    if (!opt) throw unknownOption(`--${name}`, name, 'run ccr_syncer --help to list the flags');
    if (raw === undefined) {
      const next = argv[i + 1];
      if (opt.kind === 'bool') {
        if (next !== undefined && parseBool(next) !== undefined) {
          raw = next;
          i++;
        } else {
          raw = 'true';
        }
      } else {
        if (next === undefined) throw new ConfigError(`flag --${name} needs a value (expected ${opt.expected})`);
        raw = next;
        i++;
      }
    }
    values[opt.name] = parseValue(opt, raw, `--${name}`);
  }
  return { kind: 'run', values };
}

function readEnv(env: Readonly<Record<string, string | undefined>>): Values {
  const values: Values = {};
  for (const opt of OPTIONS) {
    if (opt.env === null) continue;
    const raw = env[opt.env];
    // An empty variable counts as unset, so `CCR_PORT= cmd` does not turn into an error.
    if (raw === undefined || raw === '') continue;
    values[opt.name] = parseValue(opt, raw, `${opt.env} (--${opt.name})`);
  }
  return values;
}

function readConfigFile(path: string, readFile: (path: string) => string): Values {
  let text: string;
  try {
    text = readFile(path);
  } catch (err) {
    throw new ConfigError(`cannot read --config_file ${path}: ${fsReason(err)}`);
  }
  const values: Values = {};
  text.split(/\r?\n/).forEach((line, index) => {
    const where = `${path} line ${index + 1}`;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) throw new ConfigError(`config file ${where}: expected key=value, got ${JSON.stringify(trimmed.slice(0, 40))}`);
    const key = trimmed.slice(0, eq).trim().replace(/^--?/, '');
    const raw = unquote(trimmed.slice(eq + 1).trim());
    const opt = OPTIONS_BY_NAME.get(key);
    if (!opt || opt.name === 'config_file') throw unknownOption(`option "${key}" in config file ${where}`, key, 'see ccr_syncer --help');
    values[opt.name] = parseValue(opt, raw, `${key} in config file ${where}`);
  });
  return values;
}

function unquote(v: string): string {
  const q = v[0];
  return v.length >= 2 && (q === '"' || q === "'") && v.endsWith(q) ? v.slice(1, -1) : v;
}

function parseValue(opt: NamedOption, raw: string, where: string): unknown {
  const result = opt.schema.safeParse(raw);
  if (result.success) return result.data;
  const shown = opt.sensitive ? '' : `: ${JSON.stringify(raw)}`;
  throw new ConfigError(`invalid value for ${where}${shown} (expected ${opt.expected})`, { option: opt.name });
}

function checkCombinations(out: Record<OptionName, unknown>, input: LoadInput): void {
  const config = out as Config;
  if (config.secret_key !== '' && config.secret_key_file !== '') {
    throw new ConfigError('set only one of --secret_key and --secret_key_file');
  }
  if (config.secret_key_file !== '') {
    const path = resolve(input.cwd, config.secret_key_file);
    let key: string;
    try {
      key = input.readFile(path).trim();
    } catch (err) {
      throw new ConfigError(`cannot read --secret_key_file ${path}: ${fsReason(err)}`);
    }
    if (key.length < 16) throw new ConfigError(`the key in --secret_key_file ${path} is too short (expected at least 16 characters)`);
    out.secret_key = key;
  }
  if (config.ha_lease < 1000) throw new ConfigError('--ha_lease must be at least 1s');
  if (config.ha_heartbeat_interval <= 0 || config.ha_heartbeat_interval * 2 > config.ha_lease) {
    throw new ConfigError(
      `--ha_heartbeat_interval (${config.ha_heartbeat_interval} ms) must be positive and at most half of --ha_lease (${config.ha_lease} ms), so one lost heartbeat does not stop the jobs`,
    );
  }
  if (config.db_type === 'sqlite3' && config.db_dir.trim() === '') {
    throw new ConfigError('--db_dir must name the SQLite file when --db_type=sqlite3 (default db/ccr.db)');
  }
}

function unexpectedArgument(token: string): ConfigError {
  return new ConfigError(`unexpected argument ${JSON.stringify(token)} (flags look like --name=value; run ccr_syncer --help)`);
}

function unknownOption(what: string, name: string, hint: string): ConfigError {
  const close = nearestOption(name);
  return new ConfigError(`unknown ${what}${close ? ` (did you mean --${close}?)` : ''}; ${hint}`);
}

function nearestOption(name: string): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const opt of OPTIONS) {
    const d = editDistance(name, opt.name);
    if (d < bestDistance) {
      best = opt.name;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur.push(Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

function fsReason(err: unknown): string {
  const code = (err as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return err instanceof Error ? err.message : String(err);
}
