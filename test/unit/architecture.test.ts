/*
 * The direction of the project's imports (docs/architecture.md, "Arrows"):
 * server/ never imports model/, bench/ or test/ (the marts read the server's
 * contract, runner and plan, not the other way round); a mart's own logic
 * sits in a folder named after it beside it (model/warehouse/marts/<mart>/);
 * the contract (server/contract/) is browser-safe and self-contained, its
 * vocabulary imports nothing; the dashboard and the sample generator reach
 * the server only through the contract; nothing outside test/ imports test/
 * (its reference implementations serve only the tests; the tests run small
 * benchmarks, not the other way round); no import circle among server/,
 * model/, bench/ and seeds/generator/; the warehouse build is one sequence
 * (build.ts) over a target interface (target.ts) that its targets import.
 * Reads every source file's static and dynamic imports.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');

async function sourceFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await sourceFiles(rel)));
    else if (/\.tsx?$/.test(entry.name)) out.push(rel);
  }
  return out;
}

/** Each import of `file` as a path relative to the repository (or a package name). */
async function importsOf(file: string): Promise<string[]> {
  const text = await readFile(path.join(ROOT, file), 'utf8');
  const specs = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"]([^'"]+)['"]/gm)].map((m) => m[1]!);
  return specs.map((s) => (s.startsWith('.') ? path.relative(ROOT, path.resolve(ROOT, path.dirname(file), s)) : s));
}

async function violations(dir: string, allowed: (target: string) => boolean): Promise<string[]> {
  const out: string[] = [];
  for (const file of await sourceFiles(dir)) {
    for (const target of await importsOf(file)) if (!allowed(target)) out.push(`${file} → ${target}`);
  }
  return out;
}

describe('import direction', () => {
  it('finds imports (the scanner itself works)', async () => {
    expect(await importsOf('server/api/plan.ts')).toContain('server/plan/index.js');
  });

  it('nothing in server/ imports model/, bench/ or test/', async () => {
    expect(await violations('server', (t) => !/^(model|bench|test)\//.test(t))).toEqual([]);
  });

  it('model/ reaches only itself and server/ (never bench/, test/ or the dashboard)', async () => {
    expect(await violations('model', (t) => !/^(bench|test|dashboard|seeds)\//.test(t))).toEqual([]);
    expect(await importsOf('model/warehouse/marts/kpi_tree.ts')).toContain('model/warehouse/marts/kpi_tree/tree-rows.js');
  });

  it("a mart's logic folder sits beside its mart (model/warehouse/marts/<mart>/ next to <mart>.ts)", async () => {
    const marts = path.join(ROOT, 'model/warehouse/marts');
    const folders = (await readdir(marts, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.length).toBeGreaterThan(0);
    expect(folders.filter((name) => !existsSync(path.join(marts, `${name}.ts`)))).toEqual([]);
  });

  it('the contract imports only itself and zod', async () => {
    expect(await violations('server/contract', (t) => t.startsWith('server/contract/') || t === 'zod')).toEqual([]);
  });

  it("the vocabulary (stages, channels, settings' defaults, the fiscal year) imports nothing", async () => {
    expect(await importsOf('server/contract/vocabulary.ts')).toEqual([]);
  });

  it('the sample generator reaches the server only through the contract', async () => {
    expect(await violations('seeds/generator', (t) => !t.startsWith('server/') || t.startsWith('server/contract/'))).toEqual([]);
    expect(await importsOf('seeds/generator/company.ts')).toContain('server/contract/vocabulary.js');
  });

  it('the dashboard reaches the server only through the contract', async () => {
    expect(
      await violations(
        'dashboard/src',
        (t) => !t.startsWith('server/') || t === 'server/contract' || t.startsWith('server/contract/'),
      ),
    ).toEqual([]);
  });

  it('nothing outside test/ imports test/ (bench/, the dashboard, the generator included)', async () => {
    for (const dir of ['bench', 'dashboard/src', 'seeds/generator']) {
      expect(await violations(dir, (t) => !t.startsWith('test/'))).toEqual([]);
    }
  });

  it('the warehouse build is one sequence over its targets: a target imports the interface, never the build', async () => {
    const targets = (await sourceFiles('server/warehouse')).filter((f) => /\/target-[a-z]+\.ts$/.test(f));
    expect(targets).toEqual(expect.arrayContaining(['server/warehouse/target-duckdb.ts', 'server/warehouse/target-postgres.ts']));
    const buildOrTarget = (t: string) => /^server\/warehouse\/(build|target-[a-z]+)\.js$/.test(t);
    for (const file of targets) {
      const imports = await importsOf(file);
      expect(imports).toContain('server/warehouse/target.js');
      expect(imports.filter(buildOrTarget)).toEqual([]);
    }
    expect((await importsOf('server/warehouse/target.ts')).filter(buildOrTarget)).toEqual([]);
    // the build picks its target; no other module of server/ does
    expect(await importsOf('server/warehouse/build.ts')).toEqual(
      expect.arrayContaining(['server/warehouse/target-duckdb.js', 'server/warehouse/target-postgres.js']),
    );
    const pickers = await violations('server', (t) => !/^server\/warehouse\/target-[a-z]+\.js$/.test(t));
    expect(pickers.filter((v) => !v.startsWith('server/warehouse/build.ts '))).toEqual([]);
  });

  it('no import circle among server/, model/, bench/ and the generator (type-only imports aside: they vanish at run time)', async () => {
    const files = (await Promise.all(['server', 'model', 'bench', 'seeds/generator'].map(sourceFiles))).flat();
    const known = new Set(files);
    const resolve = (t: string) =>
      [t, t.replace(/\.js$/, '.ts'), t.replace(/\.js$/, '.tsx'), `${t}.ts`, `${t}/index.ts`].find((f) => known.has(f));
    const graph = new Map<string, string[]>();
    for (const file of files) {
      const text = (await readFile(path.join(ROOT, file), 'utf8')).replace(/^\s*(?:import|export)\s+type\s[^;]*;/gm, '');
      const specs = [...text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.[^'"]+)['"]/gm)].map((m) => m[1]!);
      graph.set(
        file,
        specs.map((s) => resolve(path.relative(ROOT, path.resolve(ROOT, path.dirname(file), s)))).filter((f) => f !== undefined),
      );
    }
    // Depth-first search; a back edge to a file on the current path closes a circle.
    const circles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (file: string, trail: string[]) => {
      state.set(file, 'open');
      for (const next of graph.get(file) ?? []) {
        if (state.get(next) === 'open') circles.push([...trail.slice(trail.indexOf(next)), file, next].join(' → '));
        else if (!state.has(next)) visit(next, [...trail, file]);
      }
      state.set(file, 'done');
    };
    for (const file of files) if (!state.has(file)) visit(file, []);
    expect(graph.get('server/warehouse/target.ts')).toContain('server/warehouse/write-table.ts'); // the reader sees imports
    expect(circles).toEqual([]);
  });
});

describe('the map matches the rooms', () => {
  it("README's folder tree and docs/architecture.md name every folder of server/ and every mart logic folder", async () => {
    const readme = await readFile(path.join(ROOT, 'README.md'), 'utf8');
    const architecture = await readFile(path.join(ROOT, 'docs/architecture.md'), 'utf8');
    const folders = async (dir: string) =>
      (await readdir(path.join(ROOT, dir), { withFileTypes: true }))
        .filter((e) => e.isDirectory())
        .map((e) => `${dir}/${e.name}/`);
    const rooms = [...(await folders('server')), ...(await folders('model/warehouse/marts'))];
    expect(rooms.length).toBeGreaterThan(10);
    const short = (room: string) => room.replace('model/warehouse/', '');
    expect(rooms.filter((room) => !readme.includes(room) && !readme.includes(short(room)))).toEqual([]);
    expect(rooms.filter((room) => !architecture.includes(room) && !architecture.includes(room.split('/').at(-2)! + '/'))).toEqual(
      [],
    );
  });
});
