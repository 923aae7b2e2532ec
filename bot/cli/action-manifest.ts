/**
 * Finds the action modules under engine/actions/<family>/ and writes the manifest the catalogue
 * imports (`npm run docs`). The engine cannot read the file system, and a Lambda bundle cannot
 * scan folders at run time, so the list is generated once here and checked by a test.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isActionModuleSource, MANIFEST_FILE, renderActionManifest } from '../../engine/actions/manifest.js';

/** engine/actions of this checkout. */
export const ACTIONS_DIR = fileURLToPath(new URL('../../engine/actions/', import.meta.url));

/** Module paths relative to `root` (e.g. `ec2/launch.ts`) of every file with a default export. */
export function scanActionModules(root: string = ACTIONS_DIR): string[] {
  const found: string[] = [];
  for (const family of readdirSync(root).sort()) {
    const dir = join(root, family);
    if (!statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir).sort()) {
      if (!file.endsWith('.ts') || file.endsWith('.d.ts')) continue;
      if (isActionModuleSource(readFileSync(join(dir, file), 'utf8'))) found.push(`${family}/${file}`);
    }
  }
  return found;
}

/** Writes the manifest when it changed; returns whether it did. */
export function writeActionManifest(root: string = ACTIONS_DIR): boolean {
  const file = join(root, MANIFEST_FILE);
  const text = renderActionManifest(scanActionModules(root));
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // first generation
  }
  if (current === text) return false;
  writeFileSync(file, text);
  return true;
}
