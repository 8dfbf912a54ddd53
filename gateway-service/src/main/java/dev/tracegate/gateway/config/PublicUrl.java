package dev.tracegate.gateway.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Checks {@code tracegate.public-url}: an absolute http(s) URL naming a host and nothing else, because the gateway's
 * routes are at the root ({@code /oidc/<tenant>/callback} is appended to it) and its origin is compared with the
 * browser's {@code Origin}.
 */
public final class PublicUrl {

    static final String KEY = "tracegate.public-url";

    private PublicUrl() {
    }

    /**
     * @return the URL without its trailing slash
     * @throws IllegalStateException naming the key and what is wrong, so that the gateway does not start
     */
    public static String validated(String value) {
        URI uri;
        try {
            uri = new URI(value.trim());
        } catch (URISyntaxException e) {
            throw refused("is not a URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
            throw refused("must be an absolute http(s) URL with a host");
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || !(uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))) {
            throw refused("must be scheme://host[:port] only (no path, query, fragment or user)");
        }
        return scheme + "://" + uri.getRawAuthority();
    }

    private static IllegalStateException refused(String problem) {
        // The value itself is not repeated: a URL with user info would carry a password into the log.
        return new IllegalStateException(KEY + ": " + problem + ", e.g. https://tempo.example.com");
    }
}
