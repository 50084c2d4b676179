/**
 * Every released version of the built-in rule, as data: src/rule/versions/vN.toml (detection-rules
 * TOML, © Elasticsearch B.V., Elastic License 2.0; see versions/NOTICE.md and versions/README.md),
 * gathered into catalog.json at build time and read by the same loader as a user's `--rule` file.
 *
 * Version 210, the default, is the prebuilt-rules package file (builtin.ts), which is what Kibana
 * installs; the others come from the repository's TOML. Version 104 is an EQL rule: it is listed, and
 * refused with a message saying which versions can be evaluated.
 */
import { parse as parseToml } from 'smol-toml';
import { isPlainObject } from '../ecs/fields.js';
import catalog from './versions/catalog.json' with { type: 'json' };
import { BUILTIN_RULE } from './builtin.js';
import { parseRuleText, SUPPORTED_LANGUAGES, SUPPORTED_RULE_TYPES } from './load.js';
import { asPrebuilt } from './origin.js';
import type { Rule } from './schema.js';

export const DEFAULT_RULE_VERSION = BUILTIN_RULE.version;

/**
 * Dates the released file gets wrong, with the evidence (src/rule/versions/README.md): the listing
 * prints the corrected date and says why.
 */
const DATE_CORRECTIONS: Readonly<Record<number, { date: string; why: string }>> = {
  5: {
    date: '2021/02/16',
    why: 'the file says 2020/02/16, a typo: released by detection-rules commit 61deed3fd2 of 2021-02-16 and corrected in the next commit',
  },
};

export interface RuleVersionInfo {
  version: number;
  /** The data file, for messages (`builtin/versions/v210.toml`). */
  file: string;
  /** `updated_date` as YYYY/MM/DD (corrected where DATE_CORRECTIONS says so). */
  date: string;
  dateNote?: string;
  name: string;
  type: string;
  language: string;
  /** Whether kmod-enum-detect can evaluate it (a kuery query or new_terms rule). */
  evaluable: boolean;
}

/** A version that does not exist or cannot be evaluated; the message says which can. */
export class RuleVersionError extends Error {
  override readonly name = 'RuleVersionError';
}

interface CatalogEntry {
  version: number;
  file: string;
  text: string;
}

const entries: readonly CatalogEntry[] = (catalog as { versions: CatalogEntry[] }).versions;
const byVersion = new Map(entries.map((e) => [e.version, e]));
const fileOf = (e: CatalogEntry): string => `builtin/versions/${e.file}`;

function infoOf(e: CatalogEntry): RuleVersionInfo {
  const doc = parseToml(e.text) as Record<string, unknown>;
  const meta = isPlainObject(doc['metadata']) ? doc['metadata'] : {};
  const rule = isPlainObject(doc['rule']) ? doc['rule'] : {};
  const type = String(rule['type'] ?? '');
  const language = String(rule['language'] ?? 'kuery');
  const fix = DATE_CORRECTIONS[e.version];
  return {
    version: e.version,
    file: fileOf(e),
    date: fix?.date ?? String(meta['updated_date'] ?? ''),
    ...(fix && { dateNote: fix.why }),
    name: String(rule['name'] ?? ''),
    type,
    language,
    evaluable: (SUPPORTED_RULE_TYPES as readonly string[]).includes(type) && (SUPPORTED_LANGUAGES as readonly string[]).includes(language),
  };
}

let infos: RuleVersionInfo[] | undefined;

/** Every released version, oldest first, EQL included. */
export function ruleVersions(): readonly RuleVersionInfo[] {
  return (infos ??= entries.map(infoOf));
}

/** The versions kmod-enum-detect can evaluate, oldest first. */
export function evaluableVersions(): number[] {
  return ruleVersions()
    .filter((v) => v.evaluable)
    .map((v) => v.version);
}

/** `1–7, 100–103, 204–215`: runs of consecutive evaluable versions, for messages. */
export function describeVersionRanges(versions: readonly number[]): string {
  const runs: string[] = [];
  for (let i = 0; i < versions.length; ) {
    let j = i;
    while (j + 1 < versions.length && versions[j + 1] === versions[j]! + 1) j++;
    runs.push(i === j ? `${versions[i]}` : `${versions[i]}–${versions[j]}`);
    i = j + 1;
  }
  return runs.join(', ');
}

const loaded = new Map<number, Rule>();

/** The rule as released in version `version`; throws RuleVersionError for an unknown or EQL version. */
export function loadRuleVersion(version: number): Rule {
  const hit = loaded.get(version);
  if (hit) return hit;
  const entry = byVersion.get(version);
  const evaluable = describeVersionRanges(evaluableVersions());
  if (entry === undefined) {
    throw new RuleVersionError(`there is no version ${version} of the built-in rule; versions that can be evaluated: ${evaluable} (list them with \`rule versions\`)`);
  }
  const info = ruleVersions().find((v) => v.version === version)!;
  if (!info.evaluable) {
    throw new RuleVersionError(
      `version ${version} of the built-in rule (${info.date}) is a ${info.type} rule written in ${info.language.toUpperCase()}, which kmod-enum-detect cannot evaluate (it runs KQL query and new_terms rules); versions that can be evaluated: ${evaluable}`,
    );
  }
  // detection-rules keeps version numbers in its version lock, not in the TOML: the catalog says which.
  const rule: Rule = version === BUILTIN_RULE.version ? BUILTIN_RULE : asPrebuilt({ ...parseRuleText(entry.text, fileOf(entry)), version });
  loaded.set(version, rule);
  return rule;
}
