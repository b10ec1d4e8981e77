package dev.wharf.auth;

import dev.wharf.error.ErrorCode;
import dev.wharf.error.RegistryException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a user name and password against the {@link UserStore} on a worker thread (bcrypt is slow by
 * design and must not hold up an event loop), counting failures per client address in the {@link LoginThrottle}.
 */
final class Authenticator {
    private static final Logger LOG = LoggerFactory.getLogger(Authenticator.class);

    private final Vertx vertx;
    private final UserStore users;
    private final LoginThrottle throttle;

    Authenticator(Vertx vertx, UserStore users, LoginThrottle throttle) {
        this.vertx = vertx;
        this.users = users;
        this.throttle = throttle;
    }

    /**
     * The user name once the password is checked; fails with {@code UNAUTHORIZED} when it is wrong and with
     * {@code TOOMANYREQUESTS} when the client has failed too often lately.
     */
    Future<String> login(String client, BasicCredentials credentials) {
        if (throttle.blocked(client)) {
            LOG.warn("login refused: too many failed logins from {}", client);
            return Future.failedFuture(RegistryException.of(ErrorCode.TOOMANYREQUESTS,
                    "too many failed logins from this address; try again later"));
        }
        return vertx.executeBlocking(() -> users.verify(credentials.username(), credentials.password()), false)
                .compose(ok -> {
                    if (ok) {
                        throttle.succeeded(client);
                        return Future.succeededFuture(credentials.username());
                    }
                    throttle.failed(client);
                    LOG.info("failed login as {} from {}", printable(credentials.username()), client);
                    return Future.failedFuture(RegistryException.of(ErrorCode.UNAUTHORIZED, "invalid username or password"));
                });
    }

    /** The name as it may appear in a log line: no control characters (forged lines), at most 64 characters. */
    static String printable(String name) {
        String clean = name.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 64 ? clean.substring(0, 64) + "..." : clean;
    }
}
