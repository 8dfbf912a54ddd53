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
     * @throws io.quarkus.runtime.configuration.ConfigurationException naming the key and what is wrong, so that the
     *         gateway does not start (see {@link BadSetting})
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

    private static RuntimeException refused(String problem) {
        return BadSetting.refused(KEY, problem + ", e.g. https://tempo.example.com");
    }
}
