/**
 * Who may use the registry, and for what. This package owns authentication (Basic credentials checked
 * against bcrypt htpasswd entries, Bearer tokens from the built-in token service or an external one),
 * authorization (policies: users and groups, repository glob patterns, actions pull/push/delete, admins,
 * anonymous grants), the token endpoint {@code /token}, and the throttling of failed logins.
 *
 * <p>It plugs into the API as one gate ({@link dev.wharf.auth.AuthGate}) that runs after the path is
 * parsed and before any handler, and as the {@link dev.wharf.api.AccessCheck} used by cross-repository
 * mounts and the catalog. {@link dev.wharf.auth.Auth} builds all of it from the configuration.
 * No password or token is ever written to a log line.
 */
package dev.wharf.auth;
