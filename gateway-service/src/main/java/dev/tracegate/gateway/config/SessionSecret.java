package dev.tracegate.gateway.config;

import java.util.Optional;

/**
 * Checks {@code tracegate.session.secret}, the key of the browser session cookies and the login state. quarkus-oidc
 * takes a shorter one with a warning (under 16 characters it fails each sign-in instead); the gateway refuses it at
 * start-up. Unset, quarkus-oidc derives each tenant's keys from its client secret (see GatewayConfig.Session).
 */
public final class SessionSecret {

    static final String KEY = "tracegate.session.secret";
    static final int MIN_LENGTH = 32;

    private SessionSecret() {
    }

    /** @throws io.quarkus.runtime.configuration.ConfigurationException naming the key (see {@link BadSetting}) */
    public static Optional<String> validated(Optional<String> secret) {
        if (secret.isPresent() && secret.get().length() < MIN_LENGTH) {
            throw BadSetting.refused(KEY, "must be at least " + MIN_LENGTH + " characters (e.g. 32 random bytes"
                    + " in base64); unset, the key comes from each tenant's client secret");
        }
        return secret;
    }
}
