package dev.tracegate.gateway.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;

/** A 0 or a negative value where it means nothing stops the start, naming the key; documented zeros are kept. */
class SettingRangesTest {

    /** The gateway's quarkus.http.idle-timeout (application.properties). */
    private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(2);
    private static final DurationConverter DURATIONS = new DurationConverter();

    private static GatewayConfig config(Map<String, String> settings) {
        return new SmallRyeConfigBuilder()
                .withMapping(GatewayConfig.class)
                .withConverter(Duration.class, 200, DURATIONS)
                .withConverter(MemorySize.class, 200, new MemorySizeConverter())
                .withSources(new PropertiesConfigSource(settings, "test", 100))
                .build()
                .getConfigMapping(GatewayConfig.class);
    }

    @Test
    void theDefaultsAndTheDocumentedZerosPass() {
        assertDoesNotThrow(() -> SettingRanges.check(config(Map.of()), IDLE_TIMEOUT));
        assertDoesNotThrow(() -> SettingRanges.check(config(Map.of(
                "tracegate.limits.requests-per-second", "0",
                "tracegate.limits.burst", "0",
                "tracegate.limits.concurrent-requests", "0",
                "tracegate.limits.max-body-size", "0",
                "tracegate.auth.token-cache-size", "0",
                "tracegate.auth.token-cache-max-age", "0s")), IDLE_TIMEOUT));
    }

    /** The long poll's wait is sent in milliseconds: any whole millisecond is a wait the provisioner honours. */
    @ParameterizedTest
    @CsvSource({ "1ms", "500ms", "1500ms", "30s" })
    void aWaitOfWholeMillisecondsPasses(String wait) {
        assertDoesNotThrow(() -> SettingRanges.check(config(Map.of("tracegate.tenants.provisioner.wait", wait)),
                IDLE_TIMEOUT));
    }

    @ParameterizedTest
    @CsvSource({
            "tracegate.upstream.timeout, 0s, must be more than 0",
            "tracegate.upstream.timeout, -5s, must be more than 0",
            "tracegate.upstream.connect-timeout, 0s, must be more than 0",
            "tracegate.upstream.max-connections, 0, must be more than 0",
            "tracegate.tenants.file-check-interval, 0s, must be more than 0",
            "tracegate.upstream.connect-timeout, PT0.0005S, must be more than 0",
            "tracegate.tenants.file-check-interval, PT0.0009S, must be more than 0",
            "tracegate.tenants.provisioner.wait, 0s, must be more than 0",
            "tracegate.tenants.provisioner.wait, PT0.0005S, must be more than 0",
            "tracegate.tenants.provisioner.wait, -1s, must be more than 0",
            "tracegate.tenants.provisioner.retry-interval, -1s, must be more than 0",
            "tracegate.tenants.provisioner.max-retry-interval, 4s, must not be shorter than tracegate.tenants.provisioner.retry-interval",
            "tracegate.limits.requests-per-second, -1, must not be negative",
            "tracegate.limits.requests-per-second, NaN, must not be negative",
            "tracegate.limits.burst, -1, must not be negative",
            "tracegate.limits.concurrent-requests, -1, must not be negative",
            "tracegate.auth.token-cache-size, -1, must not be negative",
            "tracegate.auth.token-cache-max-age, -1m, must not be negative",
            "tracegate.auth.jwks-refresh-interval, 0s, must be more than 0",
    })
    void aValueOutOfItsRangeIsRefusedNamingTheKey(String key, String value, String problem) {
        ConfigurationException refused = assertThrows(ConfigurationException.class,
                () -> SettingRanges.check(config(Map.of(key, value)), IDLE_TIMEOUT));
        assertEquals(key + ": " + problem, refused.getMessage());
        assertEquals(Set.of(key), refused.getConfigKeys());
    }

    /** Tempo's silence ends in a 504 only while the client's connection is still open. */
    @ParameterizedTest
    @CsvSource({ "2m, 2m", "3m, 2m", "PT1M0.5S, 1m" })
    void anUpstreamTimeoutNotShorterThanTheIdleTimeoutIsRefused(String upstreamTimeout, String idleTimeout) {
        ConfigurationException refused = assertThrows(ConfigurationException.class, () -> SettingRanges.check(
                config(Map.of("tracegate.upstream.timeout", upstreamTimeout)), DURATIONS.convert(idleTimeout)));
        assertEquals("tracegate.upstream.timeout: must be shorter than quarkus.http.idle-timeout",
                refused.getMessage());
    }

    @ParameterizedTest
    @CsvSource({ "60s, 2m", "PT1M59.999S, 2m", "1h, 0s" })
    void anUpstreamTimeoutShorterThanTheIdleTimeoutOrNoIdleTimeoutPasses(String upstreamTimeout, String idleTimeout) {
        assertDoesNotThrow(() -> SettingRanges.check(config(Map.of("tracegate.upstream.timeout", upstreamTimeout)),
                DURATIONS.convert(idleTimeout)));
    }
}
