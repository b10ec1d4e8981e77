package dev.wharf.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** A user name and password, as sent in an {@code Authorization: Basic} header or an OAuth2 password grant. */
record BasicCredentials(String username, String password) {

    /** The credentials of a {@code Basic} header value, or null when it is not one or is malformed. */
    static BasicCredentials fromHeader(String header) {
        if (header == null || header.length() < 6 || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = decoded.indexOf(':');
        return colon <= 0 ? null : new BasicCredentials(decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    /** Never shows the password, so that a stray log line cannot leak it. */
    @Override
    public String toString() {
        return "BasicCredentials[username=" + username + "]";
    }
}
