package dev.tracegate.gateway.browser;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import io.quarkus.oidc.IdTokenCredential;
import io.quarkus.oidc.OidcConfigurationMetadata;
import io.quarkus.security.identity.SecurityIdentity;

import dev.tracegate.gateway.tenant.Tenant;

/**
 * OpenID Connect RP-initiated logout, decided per tenant by its issuer's discovery document: with an
 * {@code end_session_endpoint} the browser goes there with {@code id_token_hint}, {@code client_id} and
 * {@code post_logout_redirect_uri}; without one there is nothing to call.
 */
final class SignOut {

    /** quarkus-oidc puts the tenant's discovery document on the identity under this name. */
    private static final String METADATA = "configuration-metadata";

    private SignOut() {
    }

    /**
     * @param backTo absolute URL the issuer sends the browser back to (must be registered at the issuer)
     * @return where to send the browser to sign out at the issuer, if the issuer offers it
     */
    static Optional<String> endSessionRedirect(SecurityIdentity identity, Tenant tenant, String backTo) {
        if (identity == null || identity.isAnonymous()
                || !(identity.getAttribute(METADATA) instanceof OidcConfigurationMetadata metadata)) {
            return Optional.empty();
        }
        return endSessionRedirect(metadata.getEndSessionUri(), tenant.oidc().clientID(),
                idToken(identity), backTo);
    }

    static Optional<String> endSessionRedirect(String endSessionEndpoint, String clientId, String idToken,
            String backTo) {
        if (endSessionEndpoint == null || endSessionEndpoint.isBlank()) {
            return Optional.empty();
        }
        StringBuilder url = new StringBuilder(endSessionEndpoint)
                .append(endSessionEndpoint.contains("?") ? '&' : '?')
                .append("client_id=").append(encode(clientId))
                .append("&post_logout_redirect_uri=").append(encode(backTo));
        if (idToken != null) {
            url.append("&id_token_hint=").append(encode(idToken));
        }
        return Optional.of(url.toString());
    }

    private static String idToken(SecurityIdentity identity) {
        IdTokenCredential credential = identity.getCredential(IdTokenCredential.class);
        return credential == null ? null : credential.getToken();
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
