#!/usr/bin/env node
// Placeholder entry point; the commander wiring lands with the CLI work.
process.stderr.write('kmod-enum-detect: not wired yet\n');
process.exitCode = 2;
