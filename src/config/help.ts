// --help text, generated from the option declarations.
import type { NamedOption } from './options.js';
import { OPTIONS } from './options.js';

const PLACEHOLDER: Record<NamedOption['kind'], string> = {
  string: '<string>',
  int: '<int>',
  bool: '[=true|false]',
  duration: '<duration>',
  enum: '<word>',
};

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      out.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') out.push(line);
  return out;
}

export function renderHelp(): string {
  const lines = [
    'Usage: ccr_syncer [--flag=value ...]',
    '',
    'Replicates Apache Doris databases and tables between clusters; operated over HTTP',
    '(see doc/operations.md). Flags may be written --flag value, --flag=value, -flag value',
    'or -flag=value; booleans also as a bare --flag. Every flag can also be set from the',
    'environment variable shown, or in --config_file. Precedence: command line >',
    'environment > config file > defaults.',
    '',
    '  --help                 print this help and exit',
    '  --version              print the version and exit',
  ];
  let group = '';
  for (const opt of OPTIONS) {
    if (opt.group !== group) {
      group = opt.group;
      lines.push('', `${group}:`);
    }
    lines.push(`  --${opt.name} ${PLACEHOLDER[opt.kind]}`);
    lines.push(...wrap(opt.description, 80).map((l) => `        ${l}`));
    const env = opt.env === null ? '' : `, env ${opt.env}`;
    lines.push(`        (default ${opt.sensitive && opt.showDefault !== '""' ? '******' : opt.showDefault}${env})`);
  }
  return `${lines.join('\n')}\n`;
}
