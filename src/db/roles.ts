import type { Queryable } from './database.ts';

/** The role the app runs as: reads and writes rows, but cannot change the schema or the audit log. */
export const appRole = 'lantern_app';

/**
 * Creates the app role where the migrating role may (CREATEROLE or superuser), then grants it
 * exactly what the app needs. Run after every migration, so tables added by later migrations are
 * covered however they were created; the default privileges cover tables the owner creates by
 * hand too. Idempotent, and safe when several processes run it at once. Returns whether the role
 * exists (when it does not, the app runs as the connecting role, as before).
 */
export async function grantAppRole(owner: Queryable): Promise<boolean> {
  await owner.exec(`DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${appRole}') THEN
      CREATE ROLE ${appRole} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS;
    END IF;
  EXCEPTION WHEN duplicate_object OR unique_violation OR insufficient_privilege THEN NULL;
  END $$`);
  const [{ exists }] = await owner.query<{ exists: boolean }>('SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS exists', [appRole]);
  if (!exists) return false;
  // A single-user install switches to the app role on the owner's login, which needs membership.
  await owner.exec(`DO $$ BEGIN
    IF NOT pg_has_role(current_user, '${appRole}', 'MEMBER') THEN EXECUTE 'GRANT ${appRole} TO ' || quote_ident(current_user); END IF;
  EXCEPTION WHEN insufficient_privilege OR invalid_grant_operation THEN NULL;
  END $$`);
  await owner.exec(`
    GRANT USAGE ON SCHEMA public TO ${appRole};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${appRole};
    GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO ${appRole};
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${appRole};
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO ${appRole};
    -- The audit log is append-only for the app: rows go in and are read, never changed or removed.
    REVOKE UPDATE, DELETE, TRUNCATE ON audit_event, audit_family_shown FROM ${appRole};
    REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON schema_migration FROM ${appRole};
  `);
  return true;
}
