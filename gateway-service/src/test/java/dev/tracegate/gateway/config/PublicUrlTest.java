package dev.tracegate.gateway.config;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Set;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.ConfigurationException;

/**
 * tracegate.public-url is checked once at start-up (TenantRegistry): a bad value stops the gateway, naming the key
 * (BadConfigurationIT shows it on the packaged gateway).
 */
class PublicUrlTest {

    @Test
    void anOriginIsKeptWithoutItsTrailingSlash() {
        assertEquals("https://tempo.example.com", PublicUrl.validated("https://tempo.example.com/"));
        assertEquals("https://tempo.example.com", PublicUrl.validated("HTTPS://tempo.example.com"));
        assertEquals("http://127.0.0.1:8080", PublicUrl.validated("http://127.0.0.1:8080"));
    }

    @Test
    void anythingButAnHttpOriginIsRefusedNamingTheKey() {
        for (String bad : new String[] { "tempo.example.com", "/oidc", "ftp://tempo.example.com", "https://",
                "https:tempo.example.com", "https://tempo.example.com/tempo", "https://tempo.example.com/?a=b",
                "https://tempo.example.com#top", "https://tempo example.com", "https://admin:hunter2@tempo.example.com" }) {
            ConfigurationException refused = assertThrows(ConfigurationException.class, () -> PublicUrl.validated(bad),
                    bad);
            assertThat(bad, refused.getMessage(), startsWith("tracegate.public-url: "));
            assertEquals(Set.of("tracegate.public-url"), refused.getConfigKeys());
            assertFalse(refused.getMessage().contains("hunter2"), "the value, which may carry a password, is not logged");
        }
    }
}
