package dev.tracegate.gateway.browser;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

import dev.tracegate.gateway.auth.GatewayOrigin;
import dev.tracegate.gateway.tenant.Tenant;

/**
 * What {@code GET /oidc/<tenant>/logout} answers: a page whose one button POSTs the sign-out. A link, or another
 * site's {@code <img>}, thus only shows the page; signing out takes the person's click on a page of the gateway.
 * The page loads nothing, runs no script and may not be framed (no clickjacking of the button).
 */
final class SignOutPage {

    private SignOutPage() {
    }

    /** @param target the local path to return to, already checked by {@link BrowserSignInRoutes#safeTarget} */
    static void send(RoutingContext rc, Tenant tenant, String target) {
        rc.response().setStatusCode(200)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
                .putHeader("Content-Security-Policy", contentSecurityPolicy(tenant))
                .putHeader("X-Frame-Options", "DENY")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(html(tenant.name(), target));
    }

    /**
     * Forms may go to the gateway only. Browsers apply {@code form-action} to the redirects that follow a form's
     * submission too, so the issuer's origin is allowed as well: the sign-out's answer sends the browser to the
     * issuer's end_session_endpoint (RP-initiated logout), which issuers serve on their own origin.
     */
    static String contentSecurityPolicy(Tenant tenant) {
        String issuer = GatewayOrigin.originOf(tenant.oidc().issuerURL());
        return "default-src 'none'; form-action 'self'" + (issuer == null ? "" : " " + issuer);
    }

    static String html(String tenantName, String target) {
        String tenant = escape(tenantName);
        return """
                <!DOCTYPE html>
                <html lang="en">
                <head><meta charset="utf-8"><title>Sign out of %1$s</title></head>
                <body>
                <form method="post" action="/oidc/%1$s/logout">
                <p>Sign out of tenant %1$s?</p>
                <input type="hidden" name="redirect" value="%2$s">
                <button type="submit">Sign out</button>
                </form>
                </body>
                </html>
                """.formatted(tenant, escape(target));
    }

    /** For text and double-quoted attribute values. */
    static String escape(String value) {
        StringBuilder escaped = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '&' -> escaped.append("&amp;");
                case '<' -> escaped.append("&lt;");
                case '>' -> escaped.append("&gt;");
                case '"' -> escaped.append("&quot;");
                case '\'' -> escaped.append("&#39;");
                default -> escaped.append(c);
            }
        }
        return escaped.toString();
    }
}
