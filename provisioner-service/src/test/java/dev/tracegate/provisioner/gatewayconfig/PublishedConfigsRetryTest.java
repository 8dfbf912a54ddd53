package dev.tracegate.provisioner.gatewayconfig;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracegate.provisioner.config.ProvisionerConfig;
import dev.tracegate.tenants.TenantsDocument;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.quarkus.runtime.configuration.DurationConverter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Publishing a gateway's document may ask the API server (a Secret the caches lack, a TempoStack's CA ConfigMap):
 * a failed answer is tried again without waiting for a change, and a slow one holds up no other gateway.
 */
class PublishedConfigsRetryTest {
    static final ConfigResolution REFUSED = new ConfigResolution.Invalid(List.of("tenants: required"));

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final PublishedConfigs configs = new PublishedConfigs(new ConfigChangeSignals(), meters,
            config(Map.of("tracegate.provisioner.publish.quiet-period", "0s", "tracegate.provisioner.backoff.initial", "100ms")));

    /** The provisioner's settings: their defaults, but for {@code settings}. */
    static ProvisionerConfig config(Map<String, String> settings) {
        return new SmallRyeConfigBuilder().withMapping(ProvisionerConfig.class)
                .withConverter(Duration.class, 200, new DurationConverter())
                .withSources(new PropertiesConfigSource(settings, "test", 100))
                .build().getConfigMapping(ProvisionerConfig.class);
    }

    @AfterEach
    void stop() {
        configs.stop();
    }

    @Test
    void aResolutionTheApiServerFailedIsTriedAgainWithoutAChange() {
        AtomicInteger asked = new AtomicInteger();
        configs.start(key -> {
            if (asked.incrementAndGet() == 1) {
                throw new KubernetesClientException("the API server is unavailable");
            }
            return Optional.of(REFUSED);
        }, secret -> Optional.empty());

        configs.changed("observability/tempo");

        await().atMost(Duration.ofSeconds(10)).until(() -> asked.get() >= 2);
        PublishedConfigs.Answer answer = configs.current("observability/tempo");
        assertInstanceOf(ConfigResolution.Invalid.class, answer.problem(), "resolved at the retry");
        assertEquals(2, asked.get(), "the answer is kept: no resolution after it");
    }

    /** A deleted gateway's document, its series in /q/metrics and its lock go with it; one made again starts afresh. */
    @Test
    void aDeletedGatewayLeavesNothingBehind() {
        ConfigResolution.Resolved document = ConfigResolution.Resolved.of(new TenantsDocument(null, null));
        AtomicReference<Optional<ConfigResolution>> gateway = new AtomicReference<>(Optional.of(document));
        configs.start(key -> gateway.get(), secret -> Optional.empty());
        assertEquals(document, configs.current("observability/tempo").published().orElseThrow());
        assertEquals(1.0, meters.find(PublishedConfigs.PUBLISHED).tag("gateway", "observability/tempo").counter().count());

        gateway.set(Optional.empty());
        configs.changed("observability/tempo");

        await().atMost(Duration.ofSeconds(10)).until(() -> meters.find(PublishedConfigs.PUBLISHED).counters().isEmpty());
        gateway.set(Optional.of(document));
        assertEquals(document, configs.current("observability/tempo").published().orElseThrow(), "made again");
    }

    @Test
    void aGatewayWhoseResolutionHangsHoldsUpNoOther() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        configs.start(key -> {
            if (key.equals("slow/gateway")) {
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return Optional.of(REFUSED);
        }, secret -> Optional.empty());
        Thread slow = new Thread(() -> configs.current("slow/gateway"));
        slow.start();
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> slow.getState() == Thread.State.TIMED_WAITING);

            PublishedConfigs.Answer other = CompletableFuture.supplyAsync(() -> configs.current("other/gateway"))
                    .get(5, TimeUnit.SECONDS); // under one lock for all, it would wait for the slow one
            assertInstanceOf(ConfigResolution.Invalid.class, other.problem());
        } finally {
            release.countDown();
            slow.join(20_000);
        }
    }

    /**
     * Publishes that a watch's news makes due run on the publishers' threads: the watch's own thread (here the test's)
     * goes on at once, and a hanging resolution of one gateway holds up no other gateway's.
     */
    @Test
    void aPublishDueAfterAChangeHoldsUpNeitherTheWatchNorAnotherGateway() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch slowAsked = new CountDownLatch(1);
        AtomicInteger othersResolved = new AtomicInteger();
        AtomicReference<Optional<String>> cached = new AtomicReference<>(Optional.empty());
        configs.start(key -> {
            if (key.equals("slow/gateway")) {
                slowAsked.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            } else {
                othersResolved.incrementAndGet();
            }
            return Optional.of(REFUSED);
        }, secret -> cached.get());
        try {
            configs.awaitWrites("slow/gateway", Map.of("observability/tenant-secret", "6"));
            // The watch sees the Secret written: the document is complete, published by a publisher.
            cached.set(Optional.of("6"));
            CompletableFuture.runAsync(() -> configs.changed("slow/gateway")).get(5, TimeUnit.SECONDS);
            assertTrue(slowAsked.await(10, TimeUnit.SECONDS), "the slow gateway's publish started");

            configs.changed("other/gateway");
            await().atMost(Duration.ofSeconds(10)).until(() -> othersResolved.get() == 1);
        } finally {
            release.countDown();
        }
    }
}
