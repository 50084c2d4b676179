/**
 * Build step: gathers the rule's released versions (src/rule/versions/vN.toml, detection-rules TOML
 * as Elastic's repository held them) into src/rule/versions/catalog.json, a JSON module the TypeScript
 * compiler copies to dist/ and the bundler inlines into a chunk loaded only by the commands that
 * need another version than the default. The TOML text is kept as written: each version is parsed
 * by the same loader as a user's `--rule` file (src/rule/load.ts), so it gets the same checks.
 */
import { readdirSync, readFileSync, writeFileSync, renameSync } from 'node:fs';

const dir = 'src/rule/versions';
const versions = readdirSync(dir)
  .map((f) => /^v(\d+)\.toml$/.exec(f))
  .filter((m) => m !== null)
  .map((m) => ({ version: Number(m[1]), file: m[0], text: readFileSync(`${dir}/${m[0]}`, 'utf8') }))
  .sort((a, b) => a.version - b.version);
if (versions.length === 0) throw new Error(`${dir}: no vN.toml files`);
const notice = readFileSync(`${dir}/NOTICE.md`, 'utf8');
const out = `${dir}/catalog.json`;
writeFileSync(`${out}.tmp`, `${JSON.stringify({ notice, versions })}\n`);
renameSync(`${out}.tmp`, out);
