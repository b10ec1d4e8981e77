/**
 * The {@code wharf} command line (picocli): {@code serve} (the default), and the offline commands on a
 * storage root, {@code gc}, {@code verify} and {@code du}, which show progress on a terminal and can answer
 * in JSON. A command that changes the store takes the root's lock first, so it refuses to run beside a
 * server (which has {@code POST /_wharf/gc} for that).
 */
package dev.wharf.cli;
