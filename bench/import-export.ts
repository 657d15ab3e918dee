/*
 * Writes the import bench's generic export once, for repeated runs of bench/import-child.ts on the same files
 * (A/B comparisons): `node --import tsx bench/import-export.ts <dir> <leads> <touches>`.
 */
import { mkdirSync } from 'node:fs';
import { writeImportExport } from './import.js';

const [dir, leads, touches] = process.argv.slice(2);
mkdirSync(dir!, { recursive: true });
const bytes = await writeImportExport(dir!, Number(leads), Number(touches));
console.log(`${dir}: ${leads} leads, ${touches} touches, ${(bytes / 1024 / 1024).toFixed(0)} MB`);
