import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EXIT, fail, isShipcheckError } from '../harness/errors.ts';
import { suggest } from '../harness/suggest.ts';
import { renderHelp, type CommandSpec } from './flags.ts';

/** What each `cli/commands/<name>.ts` exports. */
export interface Command {
  /** Name, summary, flags (with defaults) and exit codes: --help is rendered from it. */
  spec: CommandSpec;
  run(argv: string[]): Promise<number>;
  /** The command forwards `--help` after its first argument (e.g. to a drill script). */
  passesHelp?: boolean;
}

const commandsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'commands');

function commandNames(): string[] {
  return fs.readdirSync(commandsDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => f.slice(0, -3)).sort();
}

export async function loadCommand(name: string): Promise<Command> {
  const names = commandNames();
  if (!names.includes(name)) {
    const near = suggest(name, names);
    throw fail('SHIPCHECK_ERR_UNKNOWN_COMMAND', { command: name, hint: near ? ` Did you mean "shipcheck ${near}"?` : '', known: names.join(', ') });
  }
  return (await import(path.join(commandsDir, `${name}.ts`))).default as Command;
}

async function overview(): Promise<string> {
  const lines = ['Usage: shipcheck <command> [flags]', '', 'Commands:'];
  for (const n of commandNames()) lines.push(`  ${n.padEnd(10)} ${(await loadCommand(n)).spec.summary}`);
  lines.push('', 'Run "shipcheck help <command>" (or "shipcheck <command> --help") for a command\'s flags and exit codes.');
  return lines.join('\n');
}

/**
 * The one entry point: dispatches to a command, prints a known error as one clear line
 * (no stack) and returns the exit code. Unknown errors print their stack and exit 2.
 */
export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  try {
    if (!name || name === '--help' || name === '-h') { console.log(await overview()); return EXIT.ok; }
    if (name === 'help') {
      console.log(rest[0] ? renderHelp((await loadCommand(rest[0])).spec) : await overview());
      return EXIT.ok;
    }
    if (name === '--version' || name === '-v') {
      console.log(JSON.parse(fs.readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version);
      return EXIT.ok;
    }
    const command = await loadCommand(name);
    // `shipcheck drill pitr --help` belongs to the drill: only a command's first argument asks for its own help.
    if (rest[0] === '--help' || rest[0] === '-h' || (!command.passesHelp && (rest.includes('--help') || rest.includes('-h')))) {
      console.log(renderHelp(command.spec));
      return EXIT.ok;
    }
    return await command.run(rest);
  } catch (e) {
    if (isShipcheckError(e)) {
      console.error(`shipcheck: ${e.message}`);
      return e.exitCode;
    }
    console.error(`shipcheck: unexpected error (a bug; please report it with this output):\n${(e as Error)?.stack ?? e}`);
    return EXIT.harness;
  }
}
