package dev.tracegate.provisioner.config;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracegate.provisioner.grafana.GrafanaConfig;
import io.quarkus.runtime.configuration.ConfigurationException;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** A 0 or a negative value where it means nothing stops the start, naming the key; the zeros that mean something are kept. */
class SettingRangesTest {

    private static void check(Map<String, String> settings) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withMapping(ProvisionerConfig.class)
                .withMapping(GrafanaConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(settings, "test", 100))
                .build();
        SettingRanges.check(config.getConfigMapping(ProvisionerConfig.class), config.getConfigMapping(GrafanaConfig.class));
    }

    @Test
    void theDefaultsTheTestProfileAndTheZerosThatMeanSomethingPass() {
        assertDoesNotThrow(() -> check(Map.of()));
        // src/main/resources/application.properties' %test values
        assertDoesNotThrow(() -> check(Map.of(
                "tracegate.provisioner.backoff.initial", "200ms",
                "tracegate.provisioner.backoff.max", "2s",
                "tracegate.provisioner.cleanup-timeout", "6s",
                "tracegate.provisioner.publish.max-delay", "30s",
                "tracegate.provisioner.leader-election.lease-duration", "4s",
                "tracegate.provisioner.leader-election.renew-deadline", "3s",
                "tracegate.provisioner.leader-election.retry-period", "500ms",
                "tracegate.provisioner.api.token-reviews-per-minute", "5")));
        assertDoesNotThrow(() -> check(Map.of(
                "tracegate.provisioner.cleanup-timeout", "0s",
                "tracegate.provisioner.api.token-review-cache", "0s",
                "tracegate.provisioner.api.token-refusal-cache", "0s",
                "tracegate.provisioner.publish.quiet-period", "0s",
                "tracegate.provisioner.publish.max-delay", "0s",
                // capped at max, as documented
                "tracegate.provisioner.backoff.initial", "10m")));
    }

    @Test
    void theLeaderElectionDurationsFabric8AcceptsAtTheEdgePass() {
        // 1s + ceil(1s * 1.2) = 2.2s: the renew deadline must be longer than that, and shorter than the lease.
        assertDoesNotThrow(() -> check(Map.of(
                "tracegate.provisioner.leader-election.lease-duration", "2202ms",
                "tracegate.provisioner.leader-election.renew-deadline", "2201ms",
                "tracegate.provisioner.leader-election.retry-period", "1s")));
    }

    @ParameterizedTest
    @CsvSource({
            "tracegate.provisioner.resync-interval, 0s, must be more than 0",
            "tracegate.provisioner.resync-interval, -5m, must be more than 0",
            "tracegate.provisioner.cleanup-timeout, -1s, must not be negative",
            "tracegate.provisioner.workers, 0, must be more than 0",
            "tracegate.provisioner.workers, -2, must be more than 0",
            "tracegate.provisioner.concurrent-calls, 0, must be more than 0",
            "tracegate.provisioner.backoff.initial, 0s, must be more than 0",
            "tracegate.provisioner.backoff.initial, PT0.0005S, must be more than 0",
            "tracegate.provisioner.backoff.max, 0s, must be more than 0",
            "tracegate.provisioner.leader-election.lease-duration, 0s, must be more than 0",
            "tracegate.provisioner.leader-election.renew-deadline, -1s, must be more than 0",
            "tracegate.provisioner.leader-election.retry-period, 0s, must be more than 0",
            "tracegate.provisioner.api.max-wait, 0s, must be more than 0",
            "tracegate.provisioner.api.token-review-cache, -1s, must not be negative",
            "tracegate.provisioner.api.token-refusal-cache, -1s, must not be negative",
            "tracegate.provisioner.api.token-reviews-per-minute, 0, must be more than 0",
            "tracegate.provisioner.api.token-review-timeout, 0s, must be more than 0",
            "tracegate.provisioner.publish.quiet-period, -1ms, must not be negative",
            "tracegate.provisioner.publish.max-delay, -1s, must not be negative",
            "tracegate.grafana.connect-timeout, 0s, must be more than 0",
            "tracegate.grafana.read-timeout, -15s, must be more than 0",
            "tracegate.grafana.client-cache-size, 0, must be more than 0",
    })
    void aValueOutOfItsRangeIsRefusedNamingTheKey(String key, String value, String problem) {
        assertRefused(key, problem, Map.of(key, value));
    }

    @Test
    void aRenewDeadlineNotShorterThanTheLeaseIsRefused() {
        assertRefused("tracegate.provisioner.leader-election.renew-deadline", "must be shorter than lease-duration", Map.of(
                "tracegate.provisioner.leader-election.lease-duration", "10s",
                "tracegate.provisioner.leader-election.renew-deadline", "10s"));
    }

    @Test
    void aRetryPeriodThatDoesNotFitTheRenewDeadlineWithItsJitterIsRefused() {
        assertRefused("tracegate.provisioner.leader-election.retry-period",
                "must be shorter than renew-deadline / 2.2 (a retry waits up to 2.2 times it)", Map.of(
                        "tracegate.provisioner.leader-election.renew-deadline", "2200ms",
                        "tracegate.provisioner.leader-election.retry-period", "1s"));
    }

    @Test
    void aGrafanaAllowListEntryThatIsNotAnOriginIsRefusedByItsPositionNotItsValue() {
        assertDoesNotThrow(() -> check(Map.of("tracegate.grafana.allowed-urls", "https://grafana.example,http://grafana.monitoring:3000/")));
        assertRefused("tracegate.grafana.allowed-urls", "entry 2 must not carry a user or password",
                Map.of("tracegate.grafana.allowed-urls", "https://grafana.example,https://admin:s3cret@grafana.example"));
        assertRefused("tracegate.grafana.allowed-urls", "entry 1 must be an origin (scheme, host and optional port) without a path, query or fragment",
                Map.of("tracegate.grafana.allowed-urls", "https://grafana.example/grafana"));
        assertRefused("tracegate.grafana.allowed-urls", "entry 1 must be an http(s) URL",
                Map.of("tracegate.grafana.allowed-urls", "grafana.monitoring:3000"));
    }

    @Test
    void aClusterNameThatCannotStandInAMarkIsRefused() {
        assertDoesNotThrow(() -> check(Map.of("tracegate.grafana.cluster", "eu-west-1")));
        for (String bad : List.of("eu west", "prod@eu", "-prod", "c".repeat(64))) {
            assertRefused("tracegate.grafana.cluster",
                    "must be letters, digits and '-', at most 63, starting and ending with a letter or digit",
                    Map.of("tracegate.grafana.cluster", bad));
        }
    }

    private static void assertRefused(String key, String problem, Map<String, String> settings) {
        ConfigurationException refused = assertThrows(ConfigurationException.class, () -> check(settings));
        assertEquals(key + ": " + problem, refused.getMessage());
        assertEquals(Set.of(key), refused.getConfigKeys());
    }
}
