package dev.tracegate.gateway.proxy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.tracegate.gateway.auth.CallerAuthenticator;
import dev.tracegate.gateway.auth.GatewayOrigin;
import dev.tracegate.gateway.auth.SessionCookies;
import dev.tracegate.gateway.auth.TenantPaths;
import dev.tracegate.gateway.config.GatewayConfig;
import dev.tracegate.gateway.http.BodyLimit;
import dev.tracegate.gateway.http.ErrorResponses;
import dev.tracegate.gateway.http.LogValues;
import dev.tracegate.gateway.metrics.GatewayMetrics;
import dev.tracegate.tenants.rbac.Caller;
import dev.tracegate.tenants.rbac.Permission;
import dev.tracegate.gateway.tenant.Tenant;
import dev.tracegate.gateway.tenant.TenantConfiguration;
import dev.tracegate.gateway.tenant.TenantRegistry;

/**
 * {@code /api/traces/v1/<tenant>/...}: finds the tenant, authenticates and authorizes the caller, then hands the
 * request to {@link UpstreamProxy}. Checks run cheapest first: unknown tenant 404, unknown path 404, wrong method
 * 405, no credentials 401 (or a redirect to sign in for a browser), bad token 401 (for a browser whose session
 * cookie no longer verifies, the cookie dropped and a redirect to sign in), not allowed 403, over the
 * tenant's rate 429, body too large 413, the tenant's limit of requests in flight reached 429. A write authenticated
 * by the session cookie from another origin is 403.
 */
@ApplicationScoped
public class TracesApiRoute {

    private static final Logger LOG = Logger.getLogger(TracesApiRoute.class);
    private static final java.util.Set<HttpMethod> SAFE_METHODS = java.util.Set.of(HttpMethod.GET, HttpMethod.HEAD,
            HttpMethod.OPTIONS);

    private final TenantRegistry registry;
    private final CallerAuthenticator authenticator;
    private final UpstreamProxy proxy;
    private final GatewayMetrics metrics;
    private final GatewayConfig config;
    private final TenantRateLimiter rateLimiter;
    private final TenantConcurrencyLimit concurrencyLimit;
    /** tracegate.limits.max-body-size, read once: a MemorySize converts its BigInteger on every call. */
    private final long maxBodySize;

    public TracesApiRoute(TenantRegistry registry, CallerAuthenticator authenticator, UpstreamProxy proxy,
            GatewayMetrics metrics, GatewayConfig config) {
        this.registry = registry;
        this.authenticator = authenticator;
        this.proxy = proxy;
        this.metrics = metrics;
        this.config = config;
        this.rateLimiter = new TenantRateLimiter(config.limits().requestsPerSecond(), config.limits().burst(),
                System::nanoTime);
        this.concurrencyLimit = new TenantConcurrencyLimit(config.limits().concurrentRequests(),
                metrics::requestsInFlight);
        this.maxBodySize = config.limits().maxBodySize().asLongValue();
    }

    /**
     * Where the fast path runs: after {@link dev.tracegate.gateway.http.RouterSafetyNet} (order
     * {@code Integer.MIN_VALUE}), before Quarkus' HTTP security (authentication at -200, path permissions at -100,
     * the OIDC back-channel and resource-metadata handlers at -50) and its upload limit (-2).
     */
    static final int VERIFIED_TOKEN_ORDER = -1000;

    void register(@Observes Router router) {
        router.route(TenantPaths.API_PREFIX + "*").order(VERIFIED_TOKEN_ORDER).handler(this::handleIfVerified);
        router.post(ProxyRoute.OTLP_GRPC_EXPORT).order(VERIFIED_TOKEN_ORDER).handler(this::handleGrpcIfVerified);
        router.route(TenantPaths.API_PREFIX + "*").handler(this::handle);
        router.post(ProxyRoute.OTLP_GRPC_EXPORT).handler(this::handleGrpc);
    }

    /**
     * The fast path: a bearer token whose caller is known at once (verified before, or verified now with the keys
     * quarkus-oidc holds: {@link CallerAuthenticator#verifiedAtOnce}) needs none of Quarkus' HTTP security, which
     * would otherwise build a deferred identity, run its (unused) path-permission check and match the OIDC routes for
     * every request (with the cache key's cheaper hash: 18 % less CPU per search, bench/README.md).
     * The request is served exactly as {@link #handle} serves it; anything else (no token, a token quarkus-oidc must
     * decide on, a session cookie, an unknown tenant) goes on through Quarkus' security to {@link #handle}. The
     * gateway configures no Quarkus CORS or HTTP permissions that this would skip.
     */
    void handleIfVerified(RoutingContext rc) {
        String path = rc.normalizedPath();
        String tenantName = TenantPaths.tenantOf(path);
        TenantConfiguration tenants = registry.current().orElse(null);
        Tenant tenant = tenant(tenants, tenantName);
        Caller caller = tenant == null ? null : authenticator.verifiedAtOnce(rc, tenant);
        if (caller != null) {
            process(rc, tenants, tenantName, tenant, classify(rc, path, tenantName), caller);
        } else {
            rc.next();
        }
    }

    void handleGrpcIfVerified(RoutingContext rc) {
        if (rc.request().version() != HttpVersion.HTTP_2) {
            // As grpc-go answers HTTP/1: its refusals would otherwise be gRPC statuses in a 200, which an HTTP/1
            // client takes for success, and the unread body would keep the connection.
            metrics.requestWhenEnded(rc, GatewayMetrics.UNKNOWN_TENANT, ProxyRoute.otlpGrpc().group());
            ErrorResponses.send(rc, 505, "http_version_not_supported", "gRPC requires HTTP/2");
            return;
        }
        String tenantName = TenantPaths.tenantOf(rc);
        TenantConfiguration tenants = registry.current().orElse(null);
        Tenant tenant = tenant(tenants, tenantName);
        Caller caller = tenant == null ? null : authenticator.verifiedAtOnce(rc, tenant);
        if (caller != null) {
            ErrorResponses.answerAsGrpc(rc);
            process(rc, tenants, tenantName, tenant, ProxyRoute.otlpGrpc(), caller);
        } else {
            rc.next();
        }
    }

    private static Tenant tenant(TenantConfiguration tenants, String tenantName) {
        return tenants == null || tenantName == null ? null : tenants.tenant(tenantName).orElse(null);
    }

    void handle(RoutingContext rc) {
        String path = rc.normalizedPath();
        String tenantName = TenantPaths.tenantOf(path);
        TenantConfiguration tenants = registry.current().orElse(null);
        process(rc, tenants, tenantName, tenant(tenants, tenantName), classify(rc, path, tenantName), null);
    }

    private static RouteMatch classify(RoutingContext rc, String path, String tenantName) {
        return ProxyRoute.classify(rc.request().method(), rest(path, tenantName));
    }

    /** The path after {@code /api/traces/v1/<tenant>/}, as {@link ProxyRoute} takes it. */
    private static String rest(String path, String tenantName) {
        String rest = tenantName == null ? "" : path.substring(TenantPaths.API_PREFIX.length() + tenantName.length());
        return rest.startsWith("/") ? rest.substring(1) : rest;
    }

    /** OTLP gRPC {@code TraceService/Export}: the tenant's name is in the {@code x-scope-orgid} metadata. */
    void handleGrpc(RoutingContext rc) {
        ErrorResponses.answerAsGrpc(rc);
        String tenantName = TenantPaths.tenantOf(rc);
        TenantConfiguration tenants = registry.current().orElse(null);
        process(rc, tenants, tenantName, tenant(tenants, tenantName), ProxyRoute.otlpGrpc(), null);
    }

    /**
     * @param tenants  the tenants configuration the request is served by, read once: a verdict of the fast path is
     *                 used with the very configuration that reached it, even when a reload lands meanwhile
     * @param tenant   the tenant named {@code tenantName} in {@code tenants}, looked up once; null when none is
     * @param verified the caller, when the fast path already found the bearer token verified; else null
     */
    private void process(RoutingContext rc, TenantConfiguration tenants, String tenantName, Tenant tenant,
            RouteMatch match, Caller verified) {
        String path = rc.normalizedPath();
        String group = match instanceof ProxyRoute r ? r.group() : "none";
        metrics.requestWhenEnded(rc, tenant == null ? GatewayMetrics.UNKNOWN_TENANT : tenant.name(), group);

        if (tenants == null) {
            ErrorResponses.send(rc, 503, "not_ready", "the gateway has no tenant configuration yet");
            return;
        }
        if (tenant == null) {
            metrics.authFailure(GatewayMetrics.UNKNOWN_TENANT, "unknown_tenant");
            ErrorResponses.notFound(rc, tenantName != null ? "no tenant named '" + tenantName + "'"
                    : ErrorResponses.isGrpc(rc) ? "no tenant in the x-scope-orgid metadata" : "no tenant in the path");
            return;
        }
        if (match == RouteMatch.Mismatch.NOT_FOUND) {
            ErrorResponses.notFound(rc, "no such route: /api/traces/v1/" + tenant.name()
                    + "/tempo/ serves Tempo's query API (traces, search, tags, metrics, echo, buildinfo, overrides),"
                    + " POST /api/traces/v1/" + tenant.name() + "/v1/traces takes OTLP");
            return;
        }
        if (match == RouteMatch.Mismatch.METHOD_NOT_ALLOWED) {
            rc.response().putHeader(HttpHeaders.ALLOW, ProxyRoute.allowedMethods(rest(path, tenantName)));
            ErrorResponses.send(rc, 405, "method_not_allowed",
                    rc.request().method().name() + " is not allowed on " + path);
            return;
        }
        ProxyRoute route = (ProxyRoute) match;
        // A caller the fast path verified came with a bearer token: it has credentials, and not the cookie alone.
        if (verified == null && !CallerAuthenticator.hasCredentials(rc, tenant)) {
            metrics.authFailure(tenant.name(), CallerAuthenticator.Failure.MISSING_CREDENTIALS.reason);
            if (wantsHtml(rc)) {
                redirectToLogin(rc, tenant);
            } else {
                ErrorResponses.unauthorized(rc, tenant.name(), null,
                        "send a bearer token of tenant '" + tenant.name() + "' in the Authorization header");
            }
            return;
        }
        if (verified == null && !SAFE_METHODS.contains(rc.request().method()) && CallerAuthenticator.byCookieOnly(rc)
                && !GatewayOrigin.isSameOrigin(tenant, rc.request())) {
            // Another site's page can make a browser send its session cookie (a text/plain form POST): no CSRF.
            metrics.authFailure(tenant.name(), "cross_origin");
            ErrorResponses.send(rc, 403, "cross_origin", "a write authenticated by the session cookie must come from "
                    + "a page of this gateway (Origin or Referer); other clients send a bearer token");
            return;
        }
        // Hold the body until we know whether it may go upstream; chunks arriving meanwhile would be lost.
        rc.request().pause();
        if (verified != null) {
            authorizeAndForward(rc, tenants, tenant, route, verified);
            return;
        }
        authenticator.authenticate(rc, tenant, new CallerAuthenticator.Callback() {
            @Override
            public void authenticated(Caller caller) {
                try {
                    authorizeAndForward(rc, tenants, tenant, route, caller);
                } catch (RuntimeException e) {
                    LOG.errorf(e, "Tenant %s: could not forward %s", tenant.name(), route.group());
                    ErrorResponses.send(rc, 500, "internal_error", "the gateway failed to forward the request");
                }
            }

            @Override
            public void failed(CallerAuthenticator.Failure failure) {
                metrics.authFailure(tenant.name(), failure.reason);
                if (failure == CallerAuthenticator.Failure.INVALID_TOKEN && sessionCookieAlone(rc) && wantsHtml(rc)) {
                    // The session no longer verifies (its ID token expired, the key changed): kept, the cookie
                    // would earn this browser a 401 on every click until it expired.
                    SessionCookies.drop(rc, tenant);
                    redirectToLogin(rc, tenant);
                } else if (failure == CallerAuthenticator.Failure.ISSUER_UNAVAILABLE) {
                    ErrorResponses.send(rc, 503, "issuer_unavailable",
                            "the OIDC issuer of tenant '" + tenant.name() + "' cannot be reached; try again later");
                } else if (failure == CallerAuthenticator.Failure.MISSING_CREDENTIALS) {
                    // Nothing quarkus-oidc could use (say, Authorization: Basic beside the session cookie): as with
                    // no credentials at all, the challenge carries no error code (RFC 6750 3.1).
                    ErrorResponses.unauthorized(rc, tenant.name(), null,
                            "send a bearer token of tenant '" + tenant.name() + "' in the Authorization header");
                } else {
                    ErrorResponses.unauthorized(rc, tenant.name(), "invalid_token", "the token is not valid for tenant '"
                            + tenant.name() + "' (checked: signature, issuer, expiry, audience)");
                }
            }
        });
    }

    private void authorizeAndForward(RoutingContext rc, TenantConfiguration tenants, Tenant tenant, ProxyRoute route,
            Caller caller) {
        if (!tenants.authorizer().isAllowed(caller, tenant.name(), route.permission())) {
            metrics.authFailure(tenant.name(), "forbidden");
            LOG.debugf("Tenant %s: %s may not %s", tenant.name(), LogValues.escape(caller.subject()),
                    route.permission().wireName());
            ErrorResponses.send(rc, 403, "forbidden", forbidden(caller, tenant, route.permission()));
            return;
        }
        long retryAfter = rateLimiter.acquire(tenant.name());
        if (retryAfter > 0) {
            metrics.rateLimited(tenant.name());
            tooManyRequests(rc, retryAfter, "rate_limited", "tenant '" + tenant.name() + "' is over its limit of "
                    + config.limits().requestsPerSecond() + " requests per second; retry after " + retryAfter + " s");
            return;
        }
        long limit = maxBodySize;
        if (BodyLimit.declaredTooLarge(rc, limit)) {
            BodyLimit.refuse(rc, limit);
            return;
        }
        if (concurrencyLimit.enabled() && !holdSlot(rc, tenant)) {
            return;
        }
        proxy.forward(rc, tenant, route);
    }

    /** The 403's message. A caller without a subject matched no user binding: it says what its token lacked. */
    static String forbidden(Caller caller, Tenant tenant, Permission permission) {
        String who = caller.subject() != null ? "'" + caller.subject() + "'"
                : "a caller whose token has " + CallerAuthenticator.missingSubject(tenant);
        return who + " has no " + permission.wireName() + " permission on tenant '" + tenant.name() + "'";
    }

    /**
     * Takes one of the tenant's slots for requests in flight until the answer ends or the client leaves; answers 429
     * when none is free.
     *
     * @return whether the request may go on to Tempo
     */
    private boolean holdSlot(RoutingContext rc, Tenant tenant) {
        if (rc.response().ended() || rc.response().closed()) {
            // Past its end: the end handler that gives the slot back would never run. The proxy sees it too.
            return true;
        }
        if (!concurrencyLimit.tryAcquire(tenant.name())) {
            metrics.concurrencyLimited(tenant.name());
            tooManyRequests(rc, 1, "concurrency_limited", "tenant '" + tenant.name() + "' has "
                    + concurrencyLimit.limit() + " requests in flight, its limit; retry when one has ended");
            return false;
        }
        // Vert.x Web calls end handlers once: at the response's end, or at the connection's close before it.
        rc.addEndHandler(v -> concurrencyLimit.release(tenant.name()));
        return true;
    }

    /** 429 with {@code Retry-After}, before the request's body was read. */
    private static void tooManyRequests(RoutingContext rc, long retryAfterSeconds, String error, String message) {
        rc.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
        ErrorResponses.send(rc, 429, error, message);
    }

    private static boolean wantsHtml(RoutingContext rc) {
        String accept = rc.request().getHeader(HttpHeaders.ACCEPT);
        return rc.request().method() == HttpMethod.GET && accept != null && accept.contains("text/html");
    }

    /** No Authorization header of any kind: the credential that was checked is the browser's session cookie. */
    private static boolean sessionCookieAlone(RoutingContext rc) {
        return rc.request().getHeader(HttpHeaders.AUTHORIZATION) == null;
    }

    private static void redirectToLogin(RoutingContext rc, Tenant tenant) {
        // A refusal too, given before any body was read: as ErrorResponses.send does for the error answers.
        ErrorResponses.refusedBeforeBody(rc);
        String back = URLEncoder.encode(rc.request().uri(), StandardCharsets.UTF_8);
        rc.response().setStatusCode(302)
                .putHeader(HttpHeaders.LOCATION, "/oidc/" + tenant.name() + "/login?redirect=" + back)
                .end();
    }
}
