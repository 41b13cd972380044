import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { featureRoles, features, mayUse, rolesWith } from '../../src/domain/access/policy.ts';
import { userRoles } from '../../src/domain/codes.ts';

/**
 * One access policy: which role may use what is the feature table in src/domain/access/policy.ts.
 * Routes declare `rolesWith(feature)`, use cases refuse through `requireFeature`, pages ask
 * `offers(actor, feature)` and templates `may['feature']`. No module or page compares a role
 * itself. This scans src/modules and src/web (TypeScript and templates) for role comparisons.
 */
const roleChecks: { pattern: RegExp; what: string }[] = [
  { pattern: /\.role\s*[!=]==?/, what: 'role compared' },
  { pattern: /\brole\s+in\b/, what: 'role in' },
  { pattern: /\.(?:includes|has)\([^)]*\brole\)/, what: 'role looked up in a list' },
  // A route's roles written by hand (`access: ['dpo']`) drift from the policy: routes declare rolesWith(feature).
  { pattern: /\[\s*'(?:practitioner|manager|analyst|administrator|dpo)'/, what: 'roles listed by hand' },
];

/** Each exception names its file, the line it allows, and why: none of them decides access. */
const allowed: { file: string; line: RegExp; why: string }[] = [
  { file: 'src/web/plugins/auth.ts', line: /access\.includes\(request\.actor\.role\)/, why: "applies a route's declared access, which routes take from rolesWith(feature)" },
  { file: 'src/modules/admin/service.ts', line: /input\.role !== 'administrator'/, why: 'an administrator may not take away their own administrator role: the role being saved, not the caller’s' },
  { file: 'src/modules/admin/service.ts', line: /input\.role === 'manager'/, why: 'only a manager keeps managed teams: the role being saved' },
  { file: 'src/modules/cases/service.ts', line: /worker\.role !== 'practitioner'/, why: 'a key worker is a practitioner: the person allocated, not the caller' },
  { file: 'src/modules/families/schemas.ts', line: /m\.role === /, why: "a family member's role in the family (child, unborn), not a user's" },
  { file: 'src/modules/admin/schemas.ts', line: /userRoles\.includes\(role\)/, why: 'checks the role typed on the user form is a role Lantern has' },
  { file: 'src/modules/contacts/service.ts', line: /parentOrCarerRoles\.includes\(m\.role\)/, why: "a family member's role in the family (who the parent's letter is to), not a user's" },
  { file: 'src/modules/admin/views/_user-fields.njk', line: /values\.role == o\.value/, why: 'replays the role chosen on the user form' },
  { file: 'src/modules/families/views/member-form.njk', line: /values\.role == r\b/, why: "replays a family member's role on the member form" },
];

export function findRoleChecks(file: string, text: string): string[] {
  const findings: string[] = [];
  text.split('\n').forEach((line, i) => {
    const code = line.replace(/^\s*(\/\/|\*|\/\*).*$/, '');
    for (const { pattern, what } of roleChecks) {
      if (!pattern.test(code)) continue;
      if (allowed.some((a) => a.file === file && a.line.test(code))) continue;
      findings.push(`${file}:${i + 1}: ${what}: ${line.trim()}`);
    }
  });
  return findings;
}

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(entries.map(async (e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return /\.(ts|njk)$/.test(e.name) ? [full] : [];
  }));
  return nested.flat();
}

/** The policy's own files: the only places a role is compared. */
const policyFiles = new Set(['src/modules/access/policy.ts']);

describe('one access policy', () => {
  it('no module, route or page checks a role itself: they ask the feature table', async () => {
    const files = [...await sourceFiles('src/modules'), ...await sourceFiles('src/web')].map((f) => f.split(path.sep).join('/'));
    const findings: string[] = [];
    for (const file of files) {
      if (policyFiles.has(file)) continue;
      findings.push(...findRoleChecks(file, await readFile(file, 'utf8')));
    }
    expect(findings).toEqual([]);
    expect(files.length).toBeGreaterThan(100);
  });

  it('finds a role check written in a module, in a template and by list, and keeps the allow-list to its line', () => {
    expect(findRoleChecks('src/modules/work/service.ts', "    if (actor.role !== 'manager') throw new ForbiddenError('x');")).toHaveLength(1);
    expect(findRoleChecks('src/modules/x/views/page.njk', "{% if user.role == 'manager' %}")).toHaveLength(1);
    expect(findRoleChecks('src/modules/x/service.ts', '  if (!writers.has(actor.role)) throw new ForbiddenError();')).toHaveLength(1);
    expect(findRoleChecks('src/modules/x/routes.ts', "  const ok = request.actor!.role in editors;")).toHaveLength(1);
    expect(findRoleChecks('src/modules/x/routes.ts', "const dpo = { config: { access: ['dpo'] as const } };")).toHaveLength(1);
    expect(findRoleChecks('src/modules/x/routes.ts', "app.get(p, { config: { access: [ 'administrator', 'dpo'] } }, h);")).toHaveLength(1);
    expect(findRoleChecks('src/modules/x/routes.ts', "const dpo = { config: { access: rolesWith('data-protection') } };")).toEqual([]);
    // An allowed line is allowed only in its own file.
    expect(findRoleChecks('src/modules/work/service.ts', "if (!worker || worker.role !== 'practitioner') throw x;")).toHaveLength(1);
    expect(findRoleChecks('src/modules/cases/service.ts', "if (!worker || worker.role !== 'practitioner') throw x;")).toEqual([]);
  });

  it('the feature table names only real roles, and mayUse and rolesWith read it alike', () => {
    for (const feature of features) {
      expect(featureRoles[feature].length).toBeGreaterThan(0);
      for (const role of userRoles) expect(mayUse(role, feature)).toBe(rolesWith(feature).includes(role));
      for (const role of rolesWith(feature)) expect(userRoles).toContain(role);
    }
    // Default deny: analysts and administrators never hold families or change a family's record.
    for (const feature of ['families.hold', 'casework.write', 'case.team.add', 'referral.make'] as const) {
      expect(mayUse('analyst', feature)).toBe(false);
      expect(mayUse('administrator', feature)).toBe(false);
    }
    expect(rolesWith('admin.manage')).toEqual(['administrator']);
    expect(rolesWith('case.close')).toEqual(['manager']);
  });
});
