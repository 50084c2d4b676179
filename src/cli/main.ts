#!/usr/bin/env node
/**
 * The executable: builds the program (program.ts), runs it, and turns what went wrong into a message
 * and an exit code: 0 no alerts, 1 alerts, 2 usage/rule/input error; a stack trace only with --debug.
 */
import { Command, CommanderError } from 'commander';
import { existsSync } from 'node:fs';
import { EXIT_USAGE, UserFacingError } from './exit.js';
import { faultFromSystemError, isSystemError, nameFault, STDOUT_DOING, STDOUT_NAME, WorldFault } from '../io/faults.js';
import { buildProgram } from './program.js';
import { suggestCommand } from './suggest.js';

let debug = process.argv.includes('--debug');

function reportAndExit(err: unknown): void {
  if (err instanceof CommanderError) {
    // Help and --version are not errors; everything else commander rejects is a usage error.
    const ok = err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help';
    process.exitCode = ok ? 0 : EXIT_USAGE;
    return;
  }
  if (err instanceof UserFacingError) {
    process.stderr.write(`kmod-enum-detect: ${err.message}\n`);
    process.exitCode = err.exitCode;
    return;
  }
  // The world's faults (full disk, permissions, failing device) are named, not reported as our bug;
  // a system error that reached here unnamed still carries Node's path and syscall.
  if (err instanceof WorldFault || isSystemError(err)) {
    reportFault(err instanceof WorldFault ? err : faultFromSystemError(err));
    return;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  process.stderr.write(`kmod-enum-detect: internal error: ${e.message}\n`);
  if (debug) process.stderr.write(`${e.stack ?? ''}\n`);
  else process.stderr.write('(run again with --debug for a stack trace)\n');
  process.exitCode = EXIT_USAGE;
}

const faultsReported = new Set<string>();
/** Prints a fault once (stdout's error handler and the failing command may both report it). */
function reportFault(fault: WorldFault): void {
  process.exitCode = EXIT_USAGE;
  if (faultsReported.has(fault.message)) return;
  faultsReported.add(fault.message);
  process.stderr.write(`kmod-enum-detect: ${fault.message}\n`);
  if (debug && fault.systemError?.stack) process.stderr.write(`${fault.systemError.stack}\n`);
}

/**
 * stdout that fails for a reason other than its reader going away (`> /dev/full`, a full disk) is
 * named as such and makes the exit code 2, whichever command was writing.
 */
function guardStdout(): void {
  process.stdout.on('error', (err: Error) => {
    const code = (err as { code?: unknown }).code;
    if (code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED') return;
    const named = nameFault(err, STDOUT_NAME, STDOUT_DOING);
    if (named instanceof WorldFault) reportFault(named);
  });
}

/**
 * A first word that is neither a command nor an existing path but close to a command name is a typo
 * (`scna`), not an input file: say so instead of "no such file".
 */
function refuseMistypedCommand(program: Command, args: readonly string[]): void {
  const word = args[0];
  if (word === undefined || word.startsWith('-') || existsSync(word)) return;
  const suggestion = suggestCommand(word, program.commands.map((c) => c.name()));
  if (suggestion !== undefined) {
    throw new UserFacingError(`${JSON.stringify(word)} is neither a command nor a file: did you mean \`${suggestion}\`? (run with --help for usage)`);
  }
}

async function main(): Promise<void> {
  debug = process.argv.includes('--debug');
  guardStdout();
  try {
    const program = buildProgram();
    refuseMistypedCommand(program, process.argv.slice(2));
    await program.parseAsync(process.argv);
  } catch (err) {
    reportAndExit(err);
  }
}

await main();
