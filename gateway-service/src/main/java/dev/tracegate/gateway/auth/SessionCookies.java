package dev.tracegate.gateway.auth;

import io.vertx.core.http.Cookie;
import io.vertx.ext.web.RoutingContext;

import dev.tracegate.gateway.tenant.Tenant;

/** A tenant's browser session as the request carries it: quarkus-oidc's session cookie, whole or in chunks. */
public final class SessionCookies {

    private SessionCookies() {
    }

    /**
     * Expires the tenant's session cookie and its chunks, those the request carries: at sign-out, and when the
     * session can no longer be read (a browser kept sending it, and was refused each time, until it expired).
     */
    public static void drop(RoutingContext rc, Tenant tenant) {
        rc.request().cookies().stream()
                .map(Cookie::getName)
                .filter(name -> name.equals(tenant.sessionCookieName())
                        || name.startsWith(tenant.sessionCookieName() + "_chunk_"))
                .forEach(name -> rc.response().addCookie(Cookie.cookie(name, "")
                        .setPath("/").setMaxAge(0).setHttpOnly(true)));
    }
}
