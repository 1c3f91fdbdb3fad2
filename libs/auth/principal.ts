/** One grant in the Docker registry token style (`access` claim). */
export interface Grant {
  type: string;
  /** `ns/repo`, or `ns/*` for every repository under a namespace prefix. */
  name: string;
  actions: string[];
}

/** The verified caller of an API request. */
export interface Principal {
  /** The token's `sub`. */
  subject: string;
  /** Teams the caller belongs to (`teams` claim). */
  teams: string[];
  /** Orgs the caller administers (`orgs` claim). */
  orgs: string[];
  grants: Grant[];
  /** True when the subject is the configured superuser: admin of every repository. */
  superuser: boolean;
}

/** The action names that make a grant a repository-admin grant. */
export const ADMIN_ACTIONS: ReadonlySet<string> = new Set(['admin', '*']);
