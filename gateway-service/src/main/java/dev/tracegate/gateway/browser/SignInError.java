package dev.tracegate.gateway.browser;

import java.util.Set;

import org.jboss.logging.Logger;

import io.vertx.ext.web.RoutingContext;

import dev.tracegate.gateway.http.ErrorResponses;
import dev.tracegate.gateway.http.LogValues;
import dev.tracegate.gateway.tenant.Tenant;

/**
 * The answer of {@code GET /oidc/<tenant>/error}, where quarkus-oidc sends a browser whose issuer answered the sign-in
 * with an error instead of a code (with the callback's query, {@code state}, {@code error}, {@code error_description}
 * ..., and the sign-in's {@code redirect}): JSON {@code 403} for {@code access_denied}, else {@code 401}, naming the
 * issuer's {@code error} when it is a code OAuth 2.0 or OpenID Connect registers and {@value #GENERIC_CODE} otherwise.
 * <p>
 * Anyone can call the page with anything in its query: it answers nothing the client sent but a registered code
 * (never {@code error_description}), sets and drops no cookie (the callback already dropped the state cookie), and
 * logs one line, with the client's values escaped.
 */
final class SignInError {

    /** The code of an error that is not one of {@link #REGISTERED_CODES}, or of none. */
    static final String GENERIC_CODE = "sign_in_failed";

    /** The authorization endpoint's error codes: RFC 6749 §4.1.2.1, then OpenID Connect Core 1.0 §3.1.2.6. */
    static final Set<String> REGISTERED_CODES = Set.of(
            "invalid_request", "unauthorized_client", "access_denied", "unsupported_response_type", "invalid_scope",
            "server_error", "temporarily_unavailable",
            "interaction_required", "login_required", "account_selection_required", "consent_required",
            "invalid_request_uri", "invalid_request_object", "request_not_supported", "request_uri_not_supported",
            "registration_not_supported");

    private static final String ACCESS_DENIED = "access_denied";

    private static final Logger LOG = Logger.getLogger(SignInError.class);

    private SignInError() {
    }

    static void send(RoutingContext rc, Tenant tenant) {
        String error = rc.request().getParam("error");
        String description = rc.request().getParam("error_description");
        LOG.infof("Tenant %s: a sign-in ended with error=%s, error_description=%s", tenant.name(),
                LogValues.escape(error), LogValues.escape(description));
        String code = codeOf(error);
        String message = didNotComplete(tenant, code.equals(GENERIC_CODE) ? "" : ": its issuer answered " + code);
        if (code.equals(ACCESS_DENIED)) {
            ErrorResponses.send(rc, 403, code, message);
        } else {
            ErrorResponses.unauthorized(rc, tenant.name(), null, code, message);
        }
    }

    /**
     * A callback whose code the issuer would not exchange for tokens: forged, expired, or used before (the Back
     * button, a second submit). quarkus-oidc has logged the issuer's answer.
     */
    static void failed(RoutingContext rc, Tenant tenant) {
        ErrorResponses.unauthorized(rc, tenant.name(), null, GENERIC_CODE,
                didNotComplete(tenant, ": its issuer did not accept the code"));
    }

    /** What every answer here says, with why when it is known: the sign-in is over, and where to start again. */
    private static String didNotComplete(Tenant tenant, String why) {
        return "the sign-in to tenant " + tenant.name() + " did not complete" + why + "; GET /oidc/" + tenant.name()
                + "/login to sign in again";
    }

    /** The issuer's error code when it is a registered one, else {@link #GENERIC_CODE}. */
    static String codeOf(String error) {
        return error != null && REGISTERED_CODES.contains(error) ? error : GENERIC_CODE;
    }
}
