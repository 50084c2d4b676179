/** `npm run readme`: rewrites README.md's generated sections from the built CLI (run `npm run build` first). */
import { writeFileSync } from 'node:fs';
import { README, readReadme, SECTIONS, withSection, type SectionName } from './sections.js';

let text = readReadme();
for (const name of Object.keys(SECTIONS) as SectionName[]) text = withSection(text, name, SECTIONS[name]());
writeFileSync(README, text);
process.stdout.write(`README.md: ${Object.keys(SECTIONS).join(', ')} regenerated\n`);
