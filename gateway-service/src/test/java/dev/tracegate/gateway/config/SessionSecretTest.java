package dev.tracegate.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Optional;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.ConfigurationException;

/** The key of the browser sessions: unset (derived from each tenant's client secret) or at least 32 characters. */
class SessionSecretTest {

    @Test
    void unsetOrLongEnoughIsKept() {
        assertEquals(Optional.empty(), SessionSecret.validated(Optional.empty()));
        String secret = "k".repeat(32);
        assertEquals(Optional.of(secret), SessionSecret.validated(Optional.of(secret)));
    }

    @Test
    void aShorterSecretIsRefusedNamingTheKeyNotTheValue() {
        String shortSecret = "hunter2-" + "k".repeat(23);
        ConfigurationException refused = assertThrows(ConfigurationException.class,
                () -> SessionSecret.validated(Optional.of(shortSecret)));
        assertEquals(Set.of("tracegate.session.secret"), refused.getConfigKeys());
        assertEquals("tracegate.session.secret: must be at least 32 characters (e.g. 32 random bytes in base64); "
                + "unset, the key comes from each tenant's client secret", refused.getMessage());
        assertFalse(refused.getMessage().contains("hunter2"));
    }
}
