import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import ts from 'typescript';

// Every workspace declares what it imports (issue 16): each package a workspace's source imports
// (static, dynamic, type-only, re-exports, require) is in its package.json; @biomon/* packages
// import only what packages/README.md allows them, and no package imports an app. The root
// package.json covers tests/, bench/, seeds/ and the root's configuration files.

const ROOT = join(import.meta.dirname, '..', '..');
const BUILTINS = new Set(builtinModules);
const SOURCE = /\.(?:[cm]?[jt]sx?)$/;

function walk(dir: string, out: string[] = []): string[] {
  if (!existsSync(dir)) return out;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (['node_modules', 'dist', 'dist-types', 'fixtures'].includes(e.name)) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out);
    else if (SOURCE.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

/** The package a module specifier names, or null for relative paths, builtins and virtual modules. */
function packageOf(specifier: string): string | null {
  if (/^(?:\.|\/|node:|virtual:|data:|https?:)/.test(specifier)) return null;
  const parts = specifier.split('/');
  const name = specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
  return BUILTINS.has(name) ? null : name;
}

/** Packages imported by one source text: import/export … from, import(), require(), import x = require(). */
function importsOf(text: string): string[] {
  const info = ts.preProcessFile(text, true, true);
  const specs = [...info.importedFiles, ...info.typeReferenceDirectives].map((f) => f.fileName);
  return [...new Set(specs.map(packageOf).filter((n): n is string => n !== null))];
}

interface Workspace {
  dir: string;
  pkg: { name: string; dependencies?: Record<string, string>; devDependencies?: Record<string, string>; peerDependencies?: Record<string, string> };
  files: string[];
}

function readWorkspace(dir: string, folders: string[]): Workspace {
  const pkg = JSON.parse(readFileSync(join(ROOT, dir, 'package.json'), 'utf8'));
  const files = folders.flatMap((f) => walk(join(ROOT, dir, f)));
  // configuration files at the workspace's top (vite.config.ts, vitest.config.ts)
  for (const f of readdirSync(join(ROOT, dir))) if (/\.config\.[cm]?[jt]s$/.test(f)) files.push(join(ROOT, dir, f));
  return { dir, pkg, files };
}

const workspaces: Workspace[] = ['packages', 'apps'].flatMap((base) =>
  readdirSync(join(ROOT, base))
    .filter((d) => existsSync(join(ROOT, base, d, 'package.json')))
    .map((d) => readWorkspace(`${base}/${d}`, ['src', 'scripts', 'bin'])),
);
const rootWorkspace = readWorkspace('.', ['tests', 'bench', 'seeds', 'infra']);
const workspaceNames = new Set(workspaces.map((w) => w.pkg.name));

function declared(w: Workspace): Set<string> {
  return new Set(Object.keys({ ...w.pkg.dependencies, ...w.pkg.devDependencies, ...w.pkg.peerDependencies }));
}

/** Imported package → the first file importing it. A type-only import of `x` may be declared as `@types/x`. */
function imported(w: Workspace): Map<string, string> {
  const used = new Map<string, string>();
  for (const f of w.files) for (const name of importsOf(readFileSync(f, 'utf8'))) if (!used.has(name)) used.set(name, f.slice(ROOT.length + 1));
  return used;
}

function undeclared(w: Workspace, { workspacesImplicit }: { workspacesImplicit: boolean }): string[] {
  const decl = declared(w);
  return [...imported(w)]
    .filter(([name]) => name !== w.pkg.name && !decl.has(name) && !decl.has(`@types/${name.replace(/^@(.*)\/(.*)$/, '$1__$2')}`))
    .filter(([name]) => !(workspacesImplicit && workspaceNames.has(name)))
    .map(([name, file]) => `${w.pkg.name}: ${name} (imported by ${file})`);
}

/** packages/README.md's table: package folder → the @biomon packages it may import. */
function mayImport(): Map<string, Set<string>> {
  const text = readFileSync(join(ROOT, 'packages', 'README.md'), 'utf8');
  const table = new Map<string, Set<string>>();
  for (const m of text.matchAll(/^\|\s*`([a-z-]+)`\s*\|[^|\n]*\|\s*([^|\n]*)\|\s*$/gm)) {
    const list = m[2].trim() === '—' ? [] : m[2].split(',').map((s) => `@biomon/${s.trim()}`);
    table.set(`@biomon/${m[1]}`, new Set(list));
  }
  return table;
}

describe('every workspace declares what it imports', () => {
  it('finds every form of import (the scan below can fail)', () => {
    const text = [
      `import a from 'alpha';`,
      `import type { B } from '@scope/beta/sub';`,
      `export { c } from "gamma/x.js";`,
      `const d = await import('delta');`,
      `const e = require('epsilon');`,
      `import './local'; import 'node:fs'; import path from 'path';`,
      `type Z = typeof import('zeta');`,
    ].join('\n');
    expect(importsOf(text).sort()).toEqual(['@scope/beta', 'alpha', 'delta', 'epsilon', 'gamma', 'zeta']);
    const w: Workspace = { dir: 'x', pkg: { name: '@biomon/x', dependencies: { alpha: '1.0.0' } }, files: [] };
    expect(declared(w).has('delta')).toBe(false);
  });

  it('each package and app declares every package its src/, scripts/ and bin/ import', () => {
    expect(workspaces.length).toBeGreaterThan(20);
    expect(workspaces.flatMap((w) => undeclared(w, { workspacesImplicit: false }))).toEqual([]);
  });

  it('the root package.json declares what tests/, bench/, seeds/ and infra/ import (workspaces are linked)', () => {
    expect(rootWorkspace.files.length).toBeGreaterThan(50);
    expect(undeclared(rootWorkspace, { workspacesImplicit: true })).toEqual([]);
  });

  it('no package imports or declares an app', () => {
    const apps = new Set(workspaces.filter((w) => w.dir.startsWith('apps/')).map((w) => w.pkg.name));
    const bad = workspaces
      .filter((w) => w.dir.startsWith('packages/'))
      .flatMap((w) => [...new Set([...imported(w).keys(), ...declared(w)])].filter((n) => apps.has(n)).map((n) => `${w.pkg.name} → ${n}`));
    expect(bad).toEqual([]);
  });

  it("each package imports and declares only the @biomon packages packages/README.md's table allows", () => {
    const table = mayImport();
    const packages = workspaces.filter((w) => w.dir.startsWith('packages/'));
    expect([...table.keys()].sort()).toEqual(packages.map((w) => w.pkg.name).sort());
    const bad = packages.flatMap((w) => {
      const allowed = table.get(w.pkg.name) ?? new Set<string>();
      const biomon = [...new Set([...imported(w).keys(), ...declared(w)])].filter((n) => n.startsWith('@biomon/') && n !== w.pkg.name);
      return biomon.filter((n) => !allowed.has(n)).map((n) => `${w.pkg.name} → ${n}`);
    });
    expect(bad).toEqual([]);
  });

  it('each package README\'s "May import" names the same @biomon packages as packages/README.md\'s table', () => {
    const table = mayImport();
    const folders = new Set(workspaces.filter((w) => w.dir.startsWith('packages/')).map((w) => w.dir.slice('packages/'.length)));
    const differ: string[] = [];
    for (const w of workspaces.filter((x) => x.dir.startsWith('packages/'))) {
      const text = readFileSync(join(ROOT, w.dir, 'README.md'), 'utf8');
      // the bullet's first sentence: `- **May import**: @biomon/db, core, auth. Anything else …`
      const bullet = /\*\*May import\*\*:([\s\S]*?)(?:\n\s*\n|\n- |$)/.exec(text)?.[1] ?? '';
      const sentence = bullet.split(/\.(?:\s|$)/)[0];
      const named = new Set(
        sentence
          .split(/[\s,()`]+/)
          .map((t) => t.replace(/^@biomon\//, ''))
          .filter((t) => folders.has(t))
          .map((t) => `@biomon/${t}`),
      );
      const inTable = table.get(w.pkg.name) ?? new Set<string>();
      if ([...named].sort().join() !== [...inTable].sort().join())
        differ.push(`${w.dir}/README.md: ${[...named].join(', ')} ≠ table: ${[...inTable].join(', ')}`);
    }
    expect(differ).toEqual([]);
  });

  it('each workspace README names its entry point and what it may import', () => {
    const missing = workspaces.filter((w) => {
      const readme = join(ROOT, w.dir, 'README.md');
      if (!existsSync(readme)) return true;
      const text = readFileSync(readme, 'utf8');
      return !/entry point/i.test(text) || !/may import/i.test(text);
    });
    expect(missing.map((w) => w.dir)).toEqual([]);
  });
});
