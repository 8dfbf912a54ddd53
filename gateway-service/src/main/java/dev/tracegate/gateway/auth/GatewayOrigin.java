package dev.tracegate.gateway.auth;

import java.net.URI;
import java.util.Locale;

import io.vertx.core.http.HttpServerRequest;

import dev.tracegate.gateway.tenant.Tenant;

/**
 * The gateway's own origin ({@code scheme://host[:port]}) as a tenant's browsers see it: the origin of the tenant's
 * code-flow redirect_uri (its {@code redirectURL}, else {@code tracegate.public-url}'s callback), never the request's
 * Host header, which a client chooses. Only with neither configured (a laptop) is it the request's scheme and Host.
 */
public final class GatewayOrigin {

    private GatewayOrigin() {
    }

    public static String of(Tenant tenant, HttpServerRequest request) {
        // The same URL the issuer sends the browser back to (TenantOidcConfigs): the two cannot disagree.
        String configured = originOf(tenant.oidcConfig().authentication().redirectPath().orElse(""));
        if (configured != null) {
            return configured;
        }
        return request.scheme() + "://" + (request.authority() == null ? "" : request.authority().toString())
                .toLowerCase(Locale.ROOT);
    }

    /** The origin of an absolute URL, with default ports left out as browsers write it; {@code null} if none. */
    public static String originOf(String url) {
        try {
            URI uri = URI.create(url);
            if (uri.getScheme() == null || uri.getHost() == null) {
                return null;
            }
            String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
            int port = uri.getPort();
            boolean defaultPort = port < 0 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
            return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /**
     * Whether a request comes from a page of the gateway itself: its {@code Origin}, or without one its
     * {@code Referer}, is the gateway's origin. A request with neither is not.
     */
    public static boolean isSameOrigin(Tenant tenant, HttpServerRequest request) {
        String origin = request.getHeader("Origin");
        String claimed = origin != null ? originOf(origin) : request.getHeader("Referer") != null
                ? originOf(request.getHeader("Referer")) : null;
        return claimed != null && claimed.equals(of(tenant, request));
    }
}
