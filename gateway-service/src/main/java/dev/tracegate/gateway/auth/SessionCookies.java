package dev.tracegate.gateway.auth;

import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;

import dev.tracegate.gateway.tenant.Tenant;

/** A tenant's browser session as the request carries it: quarkus-oidc's session cookie, whole or in chunks. */
public final class SessionCookies {

    private SessionCookies() {
    }

    /** Whether the request carries the tenant's session cookie, or a chunk of it. */
    public static boolean carried(RoutingContext rc, Tenant tenant) {
        for (Cookie cookie : rc.request().cookies()) {
            if (tenant.isSessionCookie(cookie.getName())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Expires the tenant's session cookie and its chunks, those the request carries: at sign-out, and when the
     * session can no longer be read (a browser kept sending it, and was refused each time, until it expired).
     */
    public static void drop(RoutingContext rc, Tenant tenant) {
        rc.request().cookies().stream()
                .map(Cookie::getName)
                .filter(tenant::isSessionCookie)
                .forEach(name -> rc.response().addCookie(Cookie.cookie(name, "")
                        .setPath("/").setMaxAge(0).setHttpOnly(true)));
    }
}
