package dev.tracegate.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.URI;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.quarkus.runtime.configuration.ConfigurationException;

/** The URLs of the servers the gateway calls (Tempo, the provisioner): checked at start-up, refused naming the key. */
class HttpUrlSettingTest {

    private static final String KEY = "tracegate.upstream.query-frontend";

    @Test
    void anHttpUrlIsKeptWithoutItsTrailingSlash() {
        assertEquals(URI.create("http://tempo:3200"), HttpUrlSetting.validated(KEY, "http://tempo:3200/"));
        assertEquals(URI.create("https://tempo.example.com/prefix"),
                HttpUrlSetting.validated(KEY, " https://tempo.example.com/prefix "));
        assertEquals(URI.create("http://[::1]:3200"), HttpUrlSetting.validated(KEY, "http://[::1]:3200"));
    }

    @Test
    void anythingButAnHttpUrlIsRefusedNamingTheKeyNotTheValue() {
        for (String bad : new String[] { "tempo:3200", "tempo", "/api", "ftp://tempo:3200", "http://", "http://tempo 3200",
                "http://tempo:32a0", "ftp://admin:hunter2@tempo:3200" }) {
            ConfigurationException refused = assertThrows(ConfigurationException.class,
                    () -> HttpUrlSetting.validated(KEY, bad), bad);
            assertEquals(KEY + ": must be an http(s) URL", refused.getMessage(), bad);
            assertEquals(Set.of(KEY), refused.getConfigKeys());
            assertFalse(refused.getMessage().contains("hunter2"));
        }
    }

    @Test
    void aUserOrPasswordInTheUrlIsRefusedNotDroppedInSilence() {
        for (String bad : new String[] { "http://admin:hunter2@tempo:3200", "https://hunter2@tempo.example.com/prefix" }) {
            ConfigurationException refused = assertThrows(ConfigurationException.class,
                    () -> HttpUrlSetting.validated(KEY, bad), bad);
            assertEquals(KEY + ": must not carry a user or password", refused.getMessage(), bad);
        }
        assertThrows(ConfigurationException.class,
                () -> HttpUrlSetting.validatedAddress("tracegate.upstream.distributor-grpc", "hunter2@tempo:4317"));
    }

    @Test
    void theGrpcDistributorIsHostAndPortOrAUrl() {
        String key = "tracegate.upstream.distributor-grpc";
        assertEquals(URI.create("http://tempo:4317"), HttpUrlSetting.validatedAddress(key, "tempo:4317"));
        assertEquals(URI.create("https://tempo:4317"), HttpUrlSetting.validatedAddress(key, "https://tempo:4317"));
        for (String bad : new String[] { "dns:///tempo:4317", "tempo:port", "tempo 4317", "" }) {
            ConfigurationException refused = assertThrows(ConfigurationException.class,
                    () -> HttpUrlSetting.validatedAddress(key, bad), bad);
            assertEquals(key + ": must be host:port or an http(s) URL", refused.getMessage(), bad);
        }
    }
}
