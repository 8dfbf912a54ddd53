package dev.tracegate.gateway.browser;

import java.util.function.BiConsumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticator;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.tracegate.gateway.auth.CallerAuthenticator;
import dev.tracegate.gateway.auth.GatewayOrigin;
import dev.tracegate.gateway.auth.TenantPaths;
import dev.tracegate.gateway.http.ErrorResponses;
import dev.tracegate.gateway.tenant.Tenant;
import dev.tracegate.gateway.tenant.TenantRegistry;

/**
 * A browser's sign-in to a tenant, by that tenant issuer's authorization code flow (state, nonce and PKCE are
 * quarkus-oidc's):
 * <ul>
 * <li>{@code /oidc/<tenant>/login?redirect=/path}: to the issuer, then back to {@code redirect} (a local path);</li>
 * <li>{@code /oidc/<tenant>/callback}: the issuer's redirect; sets the session cookie;</li>
 * <li>{@code /oidc/<tenant>/logout?redirect=/path}: ends the session at the gateway (the session cookie is dropped)
 * and, when the issuer offers RP-initiated logout, at the issuer.</li>
 * </ul>
 */
@ApplicationScoped
public class BrowserSignInRoutes {

    private final TenantRegistry registry;

    public BrowserSignInRoutes(TenantRegistry registry) {
        this.registry = registry;
    }

    void register(@Observes Router router) {
        router.get("/oidc/:tenant/login").handler(this::login);
        router.get("/oidc/:tenant/callback").handler(this::viaQuarkusOidc);
        router.post("/oidc/:tenant/callback").handler(this::viaQuarkusOidc);
        router.get("/oidc/:tenant/logout").handler(this::logout);
    }

    void login(RoutingContext rc) {
        Tenant tenant = tenantOf(rc);
        if (tenant == null) {
            return;
        }
        if (!CallerAuthenticator.hasCredentials(rc, tenant)) {
            challenge(rc);
            return;
        }
        identity(rc, id -> {
            if (id.isAnonymous()) {
                challenge(rc);
            } else {
                redirect(rc, safeTarget(rc.request().getParam("redirect")));
            }
        });
    }

    /**
     * The callback's code exchange happens inside quarkus-oidc's authentication; it then redirects back to the
     * login URL that started the flow. Failures get quarkus-oidc's default answer (a new challenge or 401).
     */
    void viaQuarkusOidc(RoutingContext rc) {
        if (tenantOf(rc) == null) {
            return;
        }
        identity(rc, id -> redirect(rc, "/"));
    }

    /**
     * Drops the session cookie; when the tenant's issuer advertises an {@code end_session_endpoint} in its discovery
     * document (Keycloak does), the browser then signs out there too (RP-initiated logout) and comes back to
     * {@code redirect}. An issuer without one (Dex) keeps its own session: sign-out is local.
     */
    void logout(RoutingContext rc) {
        Tenant tenant = tenantOf(rc);
        if (tenant == null) {
            return;
        }
        String target = safeTarget(rc.request().getParam("redirect"));
        if (!CallerAuthenticator.hasCredentials(rc, tenant) || !CallerAuthenticator.byCookieOnly(rc)) {
            dropSession(rc, tenant);
            redirect(rc, target);
            return;
        }
        // A session that no longer verifies ends here and now, without quarkus' default answer (a new sign-in).
        rc.put(QuarkusHttpUser.AUTH_FAILURE_HANDLER, (BiConsumer<RoutingContext, Throwable>) (ctx, failure) -> {
        });
        Uni<SecurityIdentity> identity = rc.get(QuarkusHttpUser.DEFERRED_IDENTITY_KEY);
        Context context = Vertx.currentContext();
        identity.subscribe().with(
                id -> context.runOnContext(v -> {
                    dropSession(rc, tenant);
                    redirect(rc, SignOut.endSessionRedirect(id, tenant, GatewayOrigin.of(tenant, rc.request()) + target)
                            .orElse(target));
                }),
                failure -> context.runOnContext(v -> {
                    dropSession(rc, tenant);
                    redirect(rc, target);
                }));
    }

    /** The session cookie, and the chunks quarkus-oidc splits a large one into. */
    private static void dropSession(RoutingContext rc, Tenant tenant) {
        rc.request().cookies().stream()
                .map(io.vertx.core.http.Cookie::getName)
                .filter(name -> name.equals(tenant.sessionCookieName())
                        || name.startsWith(tenant.sessionCookieName() + "_chunk_"))
                .forEach(name -> rc.response().addCookie(io.vertx.core.http.Cookie.cookie(name, "")
                        .setPath("/").setMaxAge(0).setHttpOnly(true)));
    }

    private Tenant tenantOf(RoutingContext rc) {
        String name = TenantPaths.tenantOf(rc.normalizedPath());
        Tenant tenant = registry.current().flatMap(c -> c.tenant(name)).orElse(null);
        if (tenant == null) {
            ErrorResponses.notFound(rc, "no tenant named '" + name + "'");
        }
        return tenant;
    }

    private static void identity(RoutingContext rc, java.util.function.Consumer<SecurityIdentity> then) {
        Uni<SecurityIdentity> identity = rc.get(QuarkusHttpUser.DEFERRED_IDENTITY_KEY);
        Context context = Vertx.currentContext();
        identity.subscribe().with(
                id -> context.runOnContext(v -> {
                    if (!rc.response().ended()) {
                        then.accept(id);
                    }
                }),
                failure -> {
                    // quarkus' auth failure handler has answered (redirect to the issuer, or 401).
                });
    }

    private static void challenge(RoutingContext rc) {
        HttpAuthenticator authenticator = rc.get(HttpAuthenticator.class.getName());
        // The challenge sets the redirect to the issuer (and its state cookie); ending the response is ours.
        authenticator.sendChallenge(rc).subscribe().with(done -> {
            if (!rc.response().ended()) {
                rc.response().end();
            }
        }, failure -> ErrorResponses.send(rc, 503, "issuer_unavailable", "the tenant's OIDC issuer cannot be reached"));
    }

    private static void redirect(RoutingContext rc, String location) {
        if (rc.response().ended()) {
            return;
        }
        rc.response().setStatusCode(302).putHeader(HttpHeaders.LOCATION, location).end();
    }

    /**
     * Only a path on this gateway: never another site (no open redirect) and nothing that could split or bend the
     * Location header. The value is percent-decoded until it no longer changes, and every form must be a path that
     * starts with a single {@code /}, with no backslash, no control character and no scheme; anything else is
     * {@code /}. What is returned is the client's value as sent, printable ASCII only.
     */
    static String safeTarget(String redirect) {
        if (redirect == null || !isPrintableAscii(redirect)) {
            return "/";
        }
        String form = redirect;
        for (int round = 0; round < 4; round++) {
            if (!isLocalPath(form)) {
                return "/";
            }
            String decoded = percentDecode(form);
            if (decoded == null) {
                return "/";
            }
            if (decoded.equals(form)) {
                return redirect;
            }
            form = decoded;
        }
        return "/"; // encoded over and over: no legitimate link looks like that
    }

    private static boolean isLocalPath(String path) {
        if (!path.startsWith("/") || path.startsWith("//") || path.indexOf('\\') >= 0) {
            return false;
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return false;
            }
        }
        return true; // a leading single "/" also rules out a scheme ("https:", "javascript:")
    }

    private static boolean isPrintableAscii(String value) {
        return value.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }

    /** Percent-decoding of a path ({@code +} stays a plus); {@code null} when an escape is malformed. */
    private static String percentDecode(String value) {
        if (value.indexOf('%') < 0) {
            return value;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c != '%') {
                bytes.write(c);
                continue;
            }
            if (i + 2 >= value.length()) {
                return null;
            }
            int hi = Character.digit(value.charAt(i + 1), 16);
            int lo = Character.digit(value.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                return null;
            }
            bytes.write(hi * 16 + lo);
            i += 2;
        }
        return bytes.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
    }
}
