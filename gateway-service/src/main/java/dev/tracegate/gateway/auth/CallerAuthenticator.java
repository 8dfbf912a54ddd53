package dev.tracegate.gateway.auth;

import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.logging.Logger;

import io.quarkus.oidc.OIDCException;
import io.quarkus.oidc.runtime.OidcJwtCallerPrincipal;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.security.QuarkusHttpUser;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

import dev.tracegate.gateway.config.GatewayConfig;
import dev.tracegate.tenants.rbac.Caller;
import dev.tracegate.gateway.tenant.Tenant;

/**
 * Authenticates a request for one tenant through quarkus-oidc (a bearer token first, else the browser session
 * cookie) and turns the verified token into a {@link Caller}: the subject from {@code usernameClaim}, the groups
 * from {@code groupClaim} (a string or a list, at a dotted path of nested objects too; missing means none).
 * <p>
 * With {@code usernameClaim: email}, an address the issuer says it has not verified ({@code email_verified: false})
 * names nobody: Keycloak lets users set their own address, so anyone could claim one a role binding names before its
 * owner signs up. Such a caller has no subject and is allowed by its groups only. An issuer that does not say (no
 * {@code email_verified} claim, as Microsoft Entra ID) is taken at its word, as the Kubernetes API server's OIDC
 * authenticator takes it.
 */
@ApplicationScoped
public class CallerAuthenticator {

    private static final Logger LOG = Logger.getLogger(CallerAuthenticator.class);
    private static final String BEARER = "Bearer ";
    /** Claims only ID tokens carry: the hashes binding them to the access token or code of their code flow. */
    static final List<String> ID_TOKEN_ONLY_CLAIMS = List.of("at_hash", "c_hash");
    private static final String EMAIL = "email";
    private static final String EMAIL_VERIFIED = "email_verified";
    /** Set on a request whose bearer token {@link DirectTokenVerifier} refused. */
    private static final String REFUSED_AT_ONCE = CallerAuthenticator.class.getName() + ".refused";

    private final VerifiedTokenCache verified;
    private final DirectTokenVerifier direct;

    public CallerAuthenticator(GatewayConfig config, DirectTokenVerifier direct) {
        this.verified = new VerifiedTokenCache(config.auth().tokenCacheSize(), config.auth().tokenCacheMaxAge(),
                Clock.systemUTC());
        this.direct = direct;
    }

    /** Why authentication failed, as the client and the metrics see it. */
    public enum Failure {
        MISSING_CREDENTIALS("missing_token"),
        INVALID_TOKEN("invalid_token"),
        ISSUER_UNAVAILABLE("issuer_unavailable");

        public final String reason;

        Failure(String reason) {
            this.reason = reason;
        }
    }

    /** The outcome, delivered on the request's own Vert.x context. */
    public interface Callback {
        void authenticated(Caller caller);

        void failed(Failure failure);
    }

    /** Whether the request carries credentials for the tenant at all: a bearer token or a session cookie. */
    public static boolean hasCredentials(RoutingContext rc, Tenant tenant) {
        return bearerToken(rc) != null || SessionCookies.carried(rc, tenant);
    }

    /**
     * Whether the browser session cookie, not a bearer token, would authenticate the request: a browser sends it by
     * itself, also on requests another site makes it send.
     */
    public static boolean byCookieOnly(RoutingContext rc) {
        return bearerToken(rc) == null;
    }

    /**
     * The caller of the request's bearer token for the tenant when that is known at once, or {@code null}: a token
     * this gateway already verified (and may still use), else one {@link DirectTokenVerifier} accepts with the keys
     * quarkus-oidc already holds. The answer {@link #authenticate} would give, without quarkus-oidc's HTTP security;
     * {@code null} says that {@link #authenticate} must answer: at once for a token {@link DirectTokenVerifier}
     * refused (marked on the request), else through quarkus-oidc.
     */
    public Caller verifiedAtOnce(RoutingContext rc, Tenant tenant) {
        String token = bearerToken(rc);
        if (token == null) {
            return null;
        }
        Caller known = verified.get(tenant, token);
        if (known != null) {
            return known;
        }
        DirectTokenVerifier.Verdict verdict = direct.verify(tenant, token);
        if (verdict.refused()) {
            // quarkus-oidc would refuse it on the same check, after making it once more: authenticate answers.
            rc.put(REFUSED_AT_ONCE, Boolean.TRUE);
            return null;
        }
        return verdict.token() == null ? null : remembered(tenant, token, verdict.token());
    }

    /**
     * Authenticates through quarkus-oidc a request that {@link #verifiedAtOnce} could not answer (the data path asks
     * it first, so the token cache is not looked at again here), or refuses one whose token it refused.
     */
    public void authenticate(RoutingContext rc, Tenant tenant, Callback callback) {
        String token = bearerToken(rc);
        if (token != null && rc.get(REFUSED_AT_ONCE) != null) {
            LOG.debugf("Tenant %s: token refused by its signature or claims", tenant.name());
            callback.failed(Failure.INVALID_TOKEN);
            return;
        }
        Uni<SecurityIdentity> identity = rc.get(QuarkusHttpUser.DEFERRED_IDENTITY_KEY);
        if (identity == null) {
            callback.failed(Failure.MISSING_CREDENTIALS);
            return;
        }
        // We answer failures ourselves (JSON, our status codes) instead of quarkus' default challenge.
        rc.put(QuarkusHttpUser.AUTH_FAILURE_HANDLER, (BiConsumer<RoutingContext, Throwable>) (ctx, failure) -> {
        });
        Context context = Vertx.currentContext();
        identity.subscribe().with(
                id -> context.runOnContext(v -> {
                    if (id == null || id.isAnonymous() || !(id.getPrincipal() instanceof JsonWebToken jwt)) {
                        callback.failed(Failure.MISSING_CREDENTIALS);
                    } else if (token != null && isIdToken(jwt)) {
                        LOG.debugf("Tenant %s: an ID token sent as a bearer token refused", tenant.name());
                        callback.failed(Failure.INVALID_TOKEN);
                    } else {
                        callback.authenticated(token == null ? callerOf(jwt, tenant) : remembered(tenant, token, jwt));
                    }
                }),
                failure -> context.runOnContext(v -> callback.failed(classify(tenant, failure))));
    }

    /** The caller of a bearer token just verified, remembered for the token's next requests. */
    private Caller remembered(Tenant tenant, String token, JsonWebToken jwt) {
        Caller caller = callerOf(jwt, tenant);
        verified.put(tenant, token, caller, jwt.getExpirationTime());
        return caller;
    }

    /**
     * An ID token says who signed in, to the client that asked; it is no credential for an API (OpenID Connect Core
     * 1.0 §2), and it travels further than an access token (RP-initiated logout puts it in a URL). It carries its
     * own audience, the client's id, which the gateway accepts. Keycloak's say what they are in {@code typ}; those of
     * many issuers that set no {@code typ} (Google, Okta) give themselves away by {@code at_hash} or {@code c_hash},
     * hashes that only ID tokens carry (§3.1.3.6, §3.3.2.11). Those with neither cannot be told from access tokens.
     * (The browser's session cookie holds an ID token too: that one is checked as a session, not here.)
     */
    static boolean isIdToken(JsonWebToken jwt) {
        return rawClaim(jwt, "typ") instanceof String typ && typ.equalsIgnoreCase("ID")
                || ID_TOKEN_ONLY_CLAIMS.stream().anyMatch(claim -> rawClaim(jwt, claim) != null);
    }

    /** The bearer token of the Authorization header (quarkus-oidc prefers it to a session cookie too), or null. */
    static String bearerToken(RoutingContext rc) {
        String authorization = rc.request().getHeader("Authorization");
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        String token = authorization.substring(BEARER.length()).trim();
        return token.isEmpty() ? null : token;
    }

    /**
     * What the token of a caller without a subject lacked, for a refusal's message: the tenant's usernameClaim, or,
     * with {@code usernameClaim: email}, an address its issuer verified ({@link #callerOf}).
     */
    public static String missingSubject(Tenant tenant) {
        return EMAIL.equals(tenant.usernameClaim()) ? "no verified email" : "no " + tenant.usernameClaim() + " claim";
    }

    static Caller callerOf(JsonWebToken jwt, Tenant tenant) {
        // The usernameClaim, which quarkus-oidc's principal names the subject by too; not its getName(), which
        // throws a ClassCastException for a claim that is not a string.
        String subject = EMAIL.equals(tenant.usernameClaim()) && emailUnverified(jwt) ? null
                : text(rawClaim(jwt, tenant.usernameClaim()));
        Set<String> groups = new LinkedHashSet<>();
        if (tenant.groupClaim() != null) {
            Object claim = groupsClaim(jwt, tenant.groupClaim());
            // A list of groups (jose4j's list, or JSON-P's array of values), or one group as a string.
            for (Object value : claim instanceof Iterable<?> values ? values : Collections.singletonList(claim)) {
                String group = text(value);
                if (group != null) {
                    groups.add(group);
                }
            }
        }
        return new Caller(subject, Set.copyOf(groups));
    }

    /**
     * Whether the token says its {@code email} is not verified: {@code false}, as JSON or as the string some issuers
     * send.
     */
    private static boolean emailUnverified(JsonWebToken jwt) {
        Object verified = rawClaim(jwt, EMAIL_VERIFIED);
        return Boolean.FALSE.equals(verified) || JsonValue.FALSE.equals(verified)
                || "false".equalsIgnoreCase(text(verified));
    }

    /**
     * The claim named {@code groupClaim}; when the token has none of that name and the name has dots, the claim at
     * that path of nested objects, as Keycloak puts realm roles in {@code realm_access.roles} and client roles in
     * {@code resource_access.<client>.roles}. The whole name first: namespaced claims such as
     * {@code https://example.com/groups} have dots too.
     */
    private static Object groupsClaim(JsonWebToken jwt, String groupClaim) {
        Object claim = rawClaim(jwt, groupClaim);
        if (claim != null || groupClaim.indexOf('.') < 0) {
            return claim;
        }
        String[] path = groupClaim.split("\\.", -1);
        Object value = rawClaim(jwt, path[0]);
        // jose4j gives nested objects as maps; so is a JSON-P object, whose values callerOf reads as well.
        for (int i = 1; i < path.length && value != null; i++) {
            value = value instanceof Map<?, ?> object ? object.get(path[i]) : null;
        }
        return value;
    }

    /** A claim's text: a JSON string, as jose4j or JSON-P gives it; anything else is none. */
    private static String text(Object claim) {
        return claim instanceof String s ? s : claim instanceof JsonString s ? s.getString() : null;
    }

    /**
     * The claim as the token has it. smallrye-jwt reads {@code groups} as a standard claim, a list of strings only:
     * a single string (as some issuers send one group), or a list with anything else in it, came back empty.
     */
    private static Object rawClaim(JsonWebToken jwt, String name) {
        return jwt instanceof OidcJwtCallerPrincipal principal ? principal.getClaims().getClaimValue(name)
                : jwt.getClaim(name);
    }

    /**
     * quarkus-oidc fails a bad token with AuthenticationFailedException, and an issuer it cannot reach (discovery
     * or keys) with an OIDCException that carries the cause. An OIDCException of its own, with no cause, refuses the
     * token itself (a refresh token, or a token of another type, sent as an access token).
     */
    private static Failure classify(Tenant tenant, Throwable failure) {
        if (Causes.any(failure,
                c -> c instanceof OIDCException && c.getCause() != null || c instanceof java.net.ConnectException)) {
            LOG.warnf("Tenant %s: issuer %s is unreachable: %s", tenant.name(), tenant.oidc().issuerURL(),
                    rootCause(failure).getMessage());
            return Failure.ISSUER_UNAVAILABLE;
        }
        LOG.debugf("Tenant %s: token refused: %s", tenant.name(), failure.getClass().getName());
        return Failure.INVALID_TOKEN;
    }

    private static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }
}
