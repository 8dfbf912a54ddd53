package dev.tracegate.gateway.browser;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.function.BiConsumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.quarkus.security.AuthenticationCompletionException;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticator;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.tracegate.gateway.auth.CallerAuthenticator;
import dev.tracegate.gateway.auth.Causes;
import dev.tracegate.gateway.auth.GatewayOrigin;
import dev.tracegate.gateway.auth.SessionCookies;
import dev.tracegate.gateway.auth.TenantPaths;
import dev.tracegate.gateway.http.BodyLimit;
import dev.tracegate.gateway.http.ContinueExpectation;
import dev.tracegate.gateway.http.ErrorResponses;
import dev.tracegate.gateway.metrics.GatewayMetrics;
import dev.tracegate.gateway.tenant.Tenant;
import dev.tracegate.gateway.tenant.TenantRegistry;

/**
 * A browser's sign-in to a tenant, by that tenant issuer's authorization code flow (state, nonce and PKCE are
 * quarkus-oidc's):
 * <ul>
 * <li>{@code /oidc/<tenant>/login?redirect=/path}: to the issuer, then back to {@code redirect} (a local path);</li>
 * <li>{@code /oidc/<tenant>/callback}: the issuer's redirect; sets the session cookie;</li>
 * <li>{@code /oidc/<tenant>/error}: where the callback sends the browser when the issuer answered with an error: a JSON
 * 401 or 403 ({@link SignInError});</li>
 * <li>{@code POST /oidc/<tenant>/logout} (form field or query parameter {@code redirect=/path}), from a page of the
 * gateway: ends the session at the gateway (the session cookie is dropped) and, when the issuer offers RP-initiated
 * logout, at the issuer;</li>
 * <li>{@code GET /oidc/<tenant>/logout?redirect=/path}: only the page with the button that sends that POST. A GET
 * that signed out would let any other site sign its visitors out (an image or a link carries the SameSite=Lax
 * cookie).</li>
 * </ul>
 */
@ApplicationScoped
public class BrowserSignInRoutes {

    private static final String LOGIN = "/oidc/:tenant/login";
    private static final String CALLBACK = "/oidc/:tenant/callback";
    private static final String LOGOUT = "/oidc/:tenant/logout";
    private static final String ERROR = "/oidc/:tenant/error";
    /** The sign-out form carries one local path: a few KB are plenty. */
    static final int MAX_FORM_BYTES = 4096;
    /** How long the sign-out form may take to arrive whole: a browser sends its few bytes at once. */
    static final long FORM_READ_MILLIS = 10_000;

    private static final int FOUND = 302;
    private static final int SEE_OTHER = 303;

    /** Right after the safety net: every answer of these paths is counted, also those Quarkus' security gives. */
    private static final int COUNTED_ORDER = Integer.MIN_VALUE + 1;

    private final TenantRegistry registry;
    private final GatewayMetrics metrics;

    public BrowserSignInRoutes(TenantRegistry registry, GatewayMetrics metrics) {
        this.registry = registry;
        this.metrics = metrics;
    }

    void register(@Observes Router router) {
        // A prefix, not the four patterns: every request the gateway serves passes this order, and a path with a
        // parameter is a regular expression matched against each of them (0.5 % of a push's CPU in the profile).
        router.route(TenantPaths.OIDC_PREFIX + "*").order(COUNTED_ORDER).handler(this::counted);
        router.get(LOGIN).handler(this::login);
        router.route(LOGIN).handler(methodNotAllowed("GET"));
        router.get(CALLBACK).handler(this::viaQuarkusOidc);
        router.post(CALLBACK).handler(this::viaQuarkusOidc);
        router.route(CALLBACK).handler(methodNotAllowed("GET, POST"));
        router.get(LOGOUT).handler(this::signOutPage);
        router.head(LOGOUT).handler(this::signOutPage);
        router.post(LOGOUT).handler(this::logout);
        router.route(LOGOUT).handler(methodNotAllowed("GET, HEAD, POST"));
        router.get(ERROR).handler(this::signInError);
        router.route(ERROR).handler(methodNotAllowed("GET"));
    }

    /**
     * Counts the answer in {@code tracegate_gateway_requests} as the API's routes count theirs, under route
     * {@code oidc-login}, {@code oidc-callback}, {@code oidc-logout} or {@code oidc-error}; tenant {@code unknown}
     * for a name no tenant has. Another path under {@code /oidc/} is left to the safety net's 404, which counts it
     * itself.
     * <p>
     * A body still unread when the answer starts is bounded as a refusal's is ({@link ErrorResponses#refusedBeforeBody}),
     * whoever answers: this class, or quarkus-oidc itself (its redirect to the issuer, or its answer to a callback that
     * belongs to no sign-in). Else a GET with a chunked body that never ends would hold its connection for as long as
     * the client sends. The bodies that are read (the sign-out form here, a {@code form_post} callback's form in
     * quarkus-oidc) have ended by the answer, or their reader has decided already (413): nothing changes for them.
     */
    private void counted(RoutingContext rc) {
        String route = countedRoute(rc.normalizedPath());
        if (route != null) {
            Tenant tenant = tenantNamedIn(rc);
            metrics.requestWhenEnded(rc, tenant == null ? GatewayMetrics.UNKNOWN_TENANT : tenant.name(), route);
        }
        rc.addHeadersEndHandler(headers -> ErrorResponses.refusedBeforeBody(rc));
        rc.next();
    }

    /**
     * The metric's route name of the one of {@link #LOGIN}, {@link #CALLBACK}, {@link #LOGOUT} and {@link #ERROR} that
     * Vert.x matches the path to (one non-empty tenant segment, then the action, with or without one trailing slash);
     * else null.
     */
    static String countedRoute(String path) {
        if (!path.startsWith(TenantPaths.OIDC_PREFIX)) {
            return null; // "/oidc" itself: the prefix route takes it too
        }
        String rest = path.substring(TenantPaths.OIDC_PREFIX.length());
        int slash = rest.indexOf('/');
        if (slash <= 0) {
            return null;
        }
        String action = rest.substring(slash + 1);
        action = action.endsWith("/") ? action.substring(0, action.length() - 1) : action;
        return switch (action) {
            case "login" -> "oidc-login";
            case "callback" -> "oidc-callback";
            case "logout" -> "oidc-logout";
            case "error" -> "oidc-error";
            default -> null;
        };
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
                redirect(rc, FOUND, safeTarget(rc.request().getParam("redirect")));
            }
        });
    }

    /**
     * The callback's code exchange happens inside quarkus-oidc's authentication; it then redirects back to the
     * login URL that started the flow. An issuer's error goes on to {@link #ERROR}. A code the issuer does not
     * exchange (forged, or used before: the Back button) gets the error page's JSON 401, not Quarkus' empty one;
     * other failures get Quarkus' answer (a new challenge).
     */
    void viaQuarkusOidc(RoutingContext rc) {
        Tenant tenant = tenantOf(rc);
        if (tenant == null) {
            return;
        }
        BiConsumer<RoutingContext, Throwable> quarkusAnswer = rc.get(QuarkusHttpUser.AUTH_FAILURE_HANDLER);
        rc.put(QuarkusHttpUser.AUTH_FAILURE_HANDLER, (BiConsumer<RoutingContext, Throwable>) (ctx, failure) -> {
            if (Causes.any(failure, AuthenticationCompletionException.class::isInstance)) {
                SignInError.failed(ctx, tenant);
            } else if (quarkusAnswer != null) {
                quarkusAnswer.accept(ctx, failure);
            }
        });
        // quarkus-oidc reads a form_post callback's form itself.
        ContinueExpectation.grant(rc);
        identity(rc, id -> redirect(rc, FOUND, "/"));
    }

    /** Answered without quarkus-oidc: the sign-in is over, and no session is read, made or dropped here. */
    void signInError(RoutingContext rc) {
        Tenant tenant = tenantOf(rc);
        if (tenant != null) {
            SignInError.send(rc, tenant);
        }
    }

    void signOutPage(RoutingContext rc) {
        Tenant tenant = tenantOf(rc);
        if (tenant != null) {
            SignOutPage.send(rc, tenant, safeTarget(rc.request().getParam("redirect")));
        }
    }

    /**
     * Signs out when the request comes from a page of the gateway (same-origin {@code Origin}, or {@code Referer}),
     * else 403 and the session stays. {@code redirect} is the form's field, else the query parameter.
     */
    void logout(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        if (!request.isEnded()) {
            // The form is read once the checks pass; chunks arriving meanwhile would be lost.
            request.pause();
        }
        Tenant tenant = tenantNamedIn(rc);
        if (tenant == null) {
            // Answered with the body unread: a short one is dropped, a long one closes the connection (send).
            unknownTenant(rc);
            return;
        }
        if (!GatewayOrigin.isSameOrigin(tenant, request)) {
            ErrorResponses.send(rc, 403, "cross_origin", "sign-out must come from a page of this gateway (Origin or "
                    + "Referer); GET /oidc/" + tenant.name() + "/logout shows one");
            return;
        }
        BodyLimit.readWhole(rc, MAX_FORM_BYTES, FORM_READ_MILLIS, body -> {
            String redirect;
            try {
                redirect = formField(request, body, "redirect");
            } catch (IllegalArgumentException e) {
                ErrorResponses.send(rc, 400, "bad_request", "the form is not valid application/x-www-form-urlencoded");
                return;
            }
            signOut(rc, tenant, safeTarget(redirect != null ? redirect : request.getParam("redirect")));
        });
    }

    /**
     * Drops the session cookie; when the tenant's issuer advertises an {@code end_session_endpoint} in its discovery
     * document (Keycloak does), the browser then signs out there too (RP-initiated logout) and comes back to
     * {@code target}. An issuer without one (Dex) keeps its own session: sign-out is local. 303: the browser follows
     * with a GET, as the end_session_endpoint expects.
     */
    private static void signOut(RoutingContext rc, Tenant tenant, String target) {
        if (!CallerAuthenticator.hasCredentials(rc, tenant) || !CallerAuthenticator.byCookieOnly(rc)) {
            SessionCookies.drop(rc, tenant);
            redirect(rc, SEE_OTHER, target);
            return;
        }
        // A session that no longer verifies ends here and now, without quarkus' default answer (a new sign-in).
        rc.put(QuarkusHttpUser.AUTH_FAILURE_HANDLER, (BiConsumer<RoutingContext, Throwable>) (ctx, failure) -> {
        });
        Uni<SecurityIdentity> identity = rc.get(QuarkusHttpUser.DEFERRED_IDENTITY_KEY);
        Context context = Vertx.currentContext();
        identity.subscribe().with(
                id -> context.runOnContext(v -> {
                    SessionCookies.drop(rc, tenant);
                    redirect(rc, SEE_OTHER, SignOut.endSessionRedirect(id, tenant,
                            GatewayOrigin.of(tenant, rc.request()) + target).orElse(target));
                }),
                failure -> context.runOnContext(v -> {
                    SessionCookies.drop(rc, tenant);
                    redirect(rc, SEE_OTHER, target);
                }));
    }

    /** The first value of a field of an {@code application/x-www-form-urlencoded} body; {@code null} without one. */
    private static String formField(HttpServerRequest request, Buffer body, String name) {
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
            return null;
        }
        List<String> values = new QueryStringDecoder(body.toString(StandardCharsets.UTF_8), StandardCharsets.UTF_8,
                false).parameters().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    /** Any other method on a sign-in path: 405 naming the allowed ones (404 when the tenant is unknown). */
    private Handler<RoutingContext> methodNotAllowed(String allowed) {
        return rc -> {
            if (tenantOf(rc) != null) {
                rc.response().putHeader(HttpHeaders.ALLOW, allowed);
                ErrorResponses.send(rc, 405, "method_not_allowed", rc.request().method().name() + " is not allowed on "
                        + rc.normalizedPath() + "; allowed: " + allowed);
            }
        };
    }

    /** The path's tenant; when there is none, {@code null} and the 404 is sent. */
    private Tenant tenantOf(RoutingContext rc) {
        Tenant tenant = tenantNamedIn(rc);
        if (tenant == null) {
            unknownTenant(rc);
        }
        return tenant;
    }

    private Tenant tenantNamedIn(RoutingContext rc) {
        String name = TenantPaths.tenantOf(rc.normalizedPath());
        return registry.current().flatMap(c -> c.tenant(name)).orElse(null);
    }

    private static void unknownTenant(RoutingContext rc) {
        ErrorResponses.notFound(rc, "no tenant named '" + TenantPaths.tenantOf(rc.normalizedPath()) + "'");
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

    private static void redirect(RoutingContext rc, int status, String location) {
        if (rc.response().ended()) {
            return;
        }
        rc.response().setStatusCode(status).putHeader(HttpHeaders.LOCATION, location).end();
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
