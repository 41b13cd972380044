import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * Imports point one way. From the bottom: `src/domain` (pure rules), then the web kit
 * (`src/web`: URL builders, forms, uploads, views, the cross-cutting plugins) and `src/db`, then
 * the modules, then the composition (`src/services.ts`, `src/app.ts`, `src/openapi.ts`, the
 * configuration and the command line). A file may import from its own layer or any layer below.
 *
 * One upward edge is allowed: a module's routes name the composition's `Services` type, as
 * route files take the services object the composition built (a type, gone when compiled).
 */
type Layer = 'domain' | 'web' | 'db' | 'modules' | 'composition';
const below: Record<Layer, readonly Layer[]> = {
  domain: ['domain'],
  web: ['web', 'domain'],
  db: ['db', 'domain'],
  modules: ['modules', 'web', 'db', 'domain'],
  composition: ['composition', 'modules', 'web', 'db', 'domain'],
};

function layerOf(file: string): Layer {
  const [top] = file.split('/').slice(1);
  if (top === 'domain' || top === 'web' || top === 'db' || top === 'modules') return top;
  return 'composition';
}

// `import … from`, `export … from`, a bare `import './x.ts'` (for its effects) and `import('./x.ts')`.
const importFrom = /^\s*(?:import|export)\s+[^'"]*?\bfrom\s+'(\.{1,2}\/[^']+)'|^\s*import\s+'(\.{1,2}\/[^']+)'|import\(\s*'(\.{1,2}\/[^']+)'\s*\)/gm;
const servicesType = /^\s*import\s+type\s+\{\s*Services\s*\}\s+from\s+'[./]+services\.ts'/;

/** Every relative import in `text` (a file under src/) that points to a layer above its own. */
export function upwardImports(file: string, text: string): string[] {
  const findings: string[] = [];
  for (const match of text.matchAll(importFrom)) {
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), match[1] ?? match[2] ?? match[3]));
    const from = layerOf(file);
    const to = layerOf(target);
    if (below[from].includes(to)) continue;
    if (from === 'modules' && target === 'src/services.ts' && servicesType.test(match[0])) continue;
    findings.push(`${file} (${from}) imports ${target} (${to})`);
  }
  return findings;
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map((e) => {
    const full = path.posix.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : Promise.resolve(/\.(ts|mjs)$/.test(e.name) ? [full] : []);
  }));
  return nested.flat();
}

describe('import direction', () => {
  it('finds an import that points up, and lets the routes name the Services type', () => {
    expect(upwardImports('src/web/plugins/auth.ts', "import { actorFrom } from '../../modules/access/service.ts';"))
      .toEqual(['src/web/plugins/auth.ts (web) imports src/modules/access/service.ts (modules)']);
    expect(upwardImports('src/domain/linkage/link.ts', "export { x } from '../../db/database.ts';"))
      .toEqual(['src/domain/linkage/link.ts (domain) imports src/db/database.ts (db)']);
    expect(upwardImports('src/web/types.ts', "let u: import('../config.ts').UploadLimits;"))
      .toEqual(['src/web/types.ts (web) imports src/config.ts (composition)']);
    expect(upwardImports('src/web/app.ts', "import '../config.ts';"))
      .toEqual(['src/web/app.ts (web) imports src/config.ts (composition)']);
    expect(upwardImports('src/modules/cases/routes.ts', "import { services } from '../../services.ts';"))
      .toEqual(['src/modules/cases/routes.ts (modules) imports src/services.ts (composition)']);
    expect(upwardImports('src/modules/cases/routes.ts', "import type { Services } from '../../services.ts';")).toEqual([]);
    expect(upwardImports('src/modules/cases/routes.ts', "import { count } from '../../domain/plural.ts';")).toEqual([]);
  });

  it('holds across src/: no file imports from a layer above its own', async () => {
    const files = await sourceFiles('src');
    expect(files.length).toBeGreaterThan(100);
    const findings = (await Promise.all(files.map(async (f) => upwardImports(f, await readFile(f, 'utf8'))))).flat();
    expect(findings).toEqual([]);
  });
});
