package dev.wharf.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import at.favre.lib.crypto.bcrypt.LongPasswordStrategies;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The users who may sign in, with their bcrypt hashes: the htpasswd file (re-read when it changes, so users
 * can be added without a restart) plus the users written in the configuration, which win on a clash.
 * Only bcrypt entries ({@code htpasswd -B}) are accepted; the weaker htpasswd formats are skipped with a warning.
 *
 * <p>{@link #verify} is blocking and deliberately slow (that is bcrypt's point): call it off the event loop.
 * A successful check is remembered for a short while, keyed by a SHA-256 of user, password and hash, so a
 * client sending Basic credentials with each of its many requests pays bcrypt once, not per request.
 */
final class UserStore {
    private static final Logger LOG = LoggerFactory.getLogger(UserStore.class);
    private static final long REMEMBER_MILLIS = 60_000;
    private static final int REMEMBER_MAX = 4096;

    private final Path htpasswd;
    private final Map<String, String> inline;
    private final BCrypt.Verifyer bcrypt = BCrypt.verifyer(BCrypt.Version.VERSION_2Y,
            LongPasswordStrategies.truncate(BCrypt.Version.VERSION_2Y));
    private final Map<String, Long> remembered = new ConcurrentHashMap<>();
    /** Compared against when the user does not exist, so that an unknown name costs as much as a wrong password. */
    private final char[] dummyHash;
    private volatile Map<String, String> users = Map.of();
    private FileTime loadedVersion;

    UserStore(Path htpasswd, Map<String, String> inline) {
        this.htpasswd = htpasswd;
        this.inline = Map.copyOf(inline);
        this.dummyHash = BCrypt.with(BCrypt.Version.VERSION_2Y).hashToChar(10, UUID.randomUUID().toString().toCharArray());
        reloadIfChanged();
    }

    /** Whether the password is the user's. Blocking; several checks may run at once on different threads. */
    boolean verify(String username, String password) {
        reloadIfChanged();
        String hash = users.get(username);
        if (hash == null) {
            bcrypt.verify(password.toCharArray(), dummyHash);
            return false;
        }
        String key = fingerprint(username, password, hash);
        Long until = remembered.get(key);
        long now = System.currentTimeMillis();
        if (until != null && until > now) {
            return true;
        }
        boolean ok;
        try {
            ok = bcrypt.verify(password.toCharArray(), hash.toCharArray()).verified;
        } catch (IllegalArgumentException e) {
            LOG.warn("the password entry of user {} is not a valid bcrypt hash", username);
            ok = false;
        }
        if (ok) {
            remember(key, now);
        }
        return ok;
    }

    int size() {
        return users.size();
    }

    private void remember(String key, long now) {
        if (remembered.size() >= REMEMBER_MAX) {
            remembered.values().removeIf(until -> until <= now);
            if (remembered.size() >= REMEMBER_MAX) {
                remembered.clear();
            }
        }
        remembered.put(key, now + REMEMBER_MILLIS);
    }

    private synchronized void reloadIfChanged() {
        if (htpasswd == null) {
            if (loadedVersion == null) {
                users = inline;
                loadedVersion = FileTime.fromMillis(0);
            }
            return;
        }
        try {
            FileTime version = Files.getLastModifiedTime(htpasswd);
            if (version.equals(loadedVersion)) {
                return;
            }
            Map<String, String> loaded = parse(Files.readAllLines(htpasswd, StandardCharsets.UTF_8));
            loaded.putAll(inline);
            users = Map.copyOf(loaded);
            remembered.clear();
            if (loadedVersion != null) {
                LOG.info("reloaded {} user(s) from {}", users.size(), htpasswd);
            }
            loadedVersion = version;
        } catch (IOException e) {
            if (loadedVersion == null) {
                throw new UncheckedIOException("cannot read htpasswd file " + htpasswd, e);
            }
            LOG.warn("cannot re-read htpasswd file {}, keeping the users loaded before: {}", htpasswd, e.toString());
        }
    }

    private Map<String, String> parse(Iterable<String> lines) {
        Map<String, String> parsed = new HashMap<>();
        int lineNo = 0;
        for (String line : lines) {
            lineNo++;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            int colon = trimmed.indexOf(':');
            String hash = colon > 0 ? trimmed.substring(colon + 1) : "";
            if (!hash.startsWith("$2")) {
                // Line numbers only: the line itself holds a password hash, which stays out of logs.
                LOG.warn("{} line {}: not a bcrypt entry (use htpasswd -B), skipped", htpasswd, lineNo);
                continue;
            }
            parsed.put(trimmed.substring(0, colon), hash);
        }
        return parsed;
    }

    private static String fingerprint(String username, String password, String hash) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {username, password, hash}) {
                sha.update(part.getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
            }
            return HexFormat.of().formatHex(sha.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
