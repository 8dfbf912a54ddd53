package dev.tracegate.gateway.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

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

    private static GatewayConfig config(Map<String, String> settings) {
        return new SmallRyeConfigBuilder()
                .withMapping(GatewayConfig.class)
                .withConverter(java.time.Duration.class, 200, new DurationConverter())
                .withConverter(MemorySize.class, 200, new MemorySizeConverter())
                .withSources(new PropertiesConfigSource(settings, "test", 100))
                .build()
                .getConfigMapping(GatewayConfig.class);
    }

    @Test
    void theDefaultsAndTheDocumentedZerosPass() {
        assertDoesNotThrow(() -> SettingRanges.check(config(Map.of())));
        assertDoesNotThrow(() -> SettingRanges.check(config(Map.of(
                "tracegate.limits.requests-per-second", "0",
                "tracegate.limits.burst", "0",
                "tracegate.limits.concurrent-requests", "0",
                "tracegate.limits.max-body-size", "0",
                "tracegate.auth.token-cache-size", "0",
                "tracegate.auth.token-cache-max-age", "0s"))));
    }

    /** The long poll's wait is sent in milliseconds: any whole millisecond is a wait the provisioner honours. */
    @ParameterizedTest
    @CsvSource({ "1ms", "500ms", "1500ms", "30s" })
    void aWaitOfWholeMillisecondsPasses(String wait) {
        assertDoesNotThrow(() -> SettingRanges.check(config(Map.of("tracegate.tenants.provisioner.wait", wait))));
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
            "tracegate.limits.requests-per-second, -1, must not be negative",
            "tracegate.limits.requests-per-second, NaN, must not be negative",
            "tracegate.limits.burst, -1, must not be negative",
            "tracegate.limits.concurrent-requests, -1, must not be negative",
            "tracegate.auth.token-cache-size, -1, must not be negative",
            "tracegate.auth.token-cache-max-age, -1m, must not be negative",
    })
    void aValueOutOfItsRangeIsRefusedNamingTheKey(String key, String value, String problem) {
        ConfigurationException refused = assertThrows(ConfigurationException.class,
                () -> SettingRanges.check(config(Map.of(key, value))));
        assertEquals(key + ": " + problem, refused.getMessage());
        assertEquals(Set.of(key), refused.getConfigKeys());
    }
}
