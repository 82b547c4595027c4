import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shipcheck checkout (or installed package) root: two levels above this file. */
export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where shipcheck keeps local state: `.shipcheck/` in the project root. */
export const stateDir = path.join(projectRoot, '.shipcheck');
