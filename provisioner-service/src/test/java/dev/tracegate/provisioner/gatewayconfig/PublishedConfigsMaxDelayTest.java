package dev.tracegate.provisioner.gatewayconfig;

import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Inputs that never stop changing (a Secret rewritten by a busy controller) still reach the gateways: a publish waits
 * for a quiet period, but never longer than max-delay after the first change it waits for.
 */
class PublishedConfigsMaxDelayTest {
    final PublishedConfigs configs = new PublishedConfigs(new ConfigChangeSignals(), new SimpleMeterRegistry(),
            PublishedConfigsRetryTest.config(Map.of("tracegate.provisioner.publish.quiet-period", "5s",
                    "tracegate.provisioner.publish.max-delay", "1s")));
    final ScheduledExecutorService changes = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stop() {
        changes.shutdownNow();
        configs.stop();
    }

    @Test
    void changesComingFasterThanTheQuietPeriodArePublishedByMaxDelay() {
        AtomicInteger resolutions = new AtomicInteger();
        configs.start(key -> {
            resolutions.incrementAndGet();
            return Optional.of(PublishedConfigsRetryTest.REFUSED);
        }, secret -> Optional.empty());
        // A change every 100 ms: the 5 s quiet period never comes.
        changes.scheduleAtFixedRate(() -> configs.changed("observability/tempo"), 0, 100, TimeUnit.MILLISECONDS);

        // Published again and again while the changes go on (none of it would be without max-delay).
        await().atMost(Duration.ofSeconds(15)).until(() -> resolutions.get() >= 2);
    }
}
