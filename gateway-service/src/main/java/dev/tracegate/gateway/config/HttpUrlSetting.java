package dev.tracegate.gateway.config;

import java.net.URI;

import dev.tracegate.tenants.TenantsValidator;

/**
 * Checks a setting that names an HTTP server the gateway calls (Tempo, the provisioner) by the rule the tenants
 * document's {@code upstream} URLs follow (an http(s) URL without a user or password), so that a typo stops the
 * start-up instead of failing every request.
 */
public final class HttpUrlSetting {

    private HttpUrlSetting() {
    }

    /**
     * @return the URL without its trailing slash
     * @throws io.quarkus.runtime.configuration.ConfigurationException naming the key (see {@link BadSetting})
     */
    public static URI validated(String key, String value) {
        return checked(key, value.trim(), TenantsValidator.NOT_HTTP_URL);
    }

    /** An HTTP/2 server given as {@code host:port} (or as a URL): the distributor's OTLP gRPC port. */
    public static URI validatedAddress(String key, String value) {
        String trimmed = value.trim();
        return checked(key, trimmed.contains("://") ? trimmed : "http://" + trimmed,
                "must be host:port or an http(s) URL");
    }

    /** @param notHttp what to say when it is no http(s) URL at all, in the words of the setting's own form */
    private static URI checked(String key, String url, String notHttp) {
        String problem = TenantsValidator.serverUrlProblem(url);
        if (problem != null) {
            throw BadSetting.refused(key, problem.equals(TenantsValidator.NOT_HTTP_URL) ? notHttp : problem);
        }
        return baseUri(url);
    }

    /**
     * An http(s) URL already checked by the tenants document's rule as the base the gateway appends paths to: without
     * its trailing slash. For these settings and the tenants document's {@code upstream} alike.
     */
    public static URI baseUri(String url) {
        return URI.create(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
    }
}
