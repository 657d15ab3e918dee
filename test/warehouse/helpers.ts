/*
 * Shared helpers for the warehouse tests: temp directories, edited copies of
 * the small seed fixture, a models directory holding only the staging layer
 * and this layer's marts (so these tests do not depend on marts that other
 * work adds), and read-only queries against a built file.
 */
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const FIXTURE_SEEDS = path.join(REPO_ROOT, 'test', 'fixtures', 'seeds-small');
export const REPO_MODELS = path.join(REPO_ROOT, 'model', 'warehouse');
export const OWN_MARTS = ['settings', 'fiscal_calendar'];

const made: string[] = [];

export async function tempDir(prefix = 'revcycle-wh-'): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export async function removeTempDirs(): Promise<void> {
  while (made.length) await rm(made.pop()!, { recursive: true, force: true });
}

/** Copies the small fixture into `dir`, applying text edits per file name (e.g. `leads.csv`). */
export async function seedsWith(dir: string, edits: Record<string, (text: string) => string> = {}): Promise<string> {
  await mkdir(dir, { recursive: true });
  for (const name of await readdir(FIXTURE_SEEDS)) {
    const text = await readFile(path.join(FIXTURE_SEEDS, name), 'utf8');
    await writeFile(path.join(dir, name), edits[name] ? edits[name](text) : text);
  }
  return dir;
}

/** A models directory with the repository's staging models and this layer's own marts. */
export async function ownModels(dir: string): Promise<string> {
  for (const schema of ['staging', 'marts']) await mkdir(path.join(dir, schema), { recursive: true });
  for (const name of await readdir(path.join(REPO_MODELS, 'staging'))) {
    await copyFile(path.join(REPO_MODELS, 'staging', name), path.join(dir, 'staging', name));
  }
  for (const mart of OWN_MARTS) {
    for (const ext of ['sql', 'yml']) {
      await copyFile(path.join(REPO_MODELS, 'marts', `${mart}.${ext}`), path.join(dir, 'marts', `${mart}.${ext}`));
    }
  }
  return dir;
}

export async function query(file: string, sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  try {
    const conn = await instance.connect();
    try {
      return (await conn.runAndReadAll(sql)).getRowObjectsJson() as Record<string, unknown>[];
    } finally {
      conn.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

export const appendLines =
  (...lines: string[]) =>
  (text: string) =>
    text + lines.join('\n') + '\n';
export const replaceText = (from: string, to: string) => (text: string) => {
  if (!text.includes(from)) throw new Error(`fixture edit: "${from}" not found`);
  return text.replace(from, to);
};
