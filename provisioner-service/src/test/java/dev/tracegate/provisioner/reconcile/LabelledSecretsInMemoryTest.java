package dev.tracegate.provisioner.reconcile;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracegate.provisioner.kube.SecretData;
import dev.tracegate.provisioner.secrets.Ownership;
import dev.tracegate.provisioner.secrets.WrittenSecrets;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Anyone who may create a Secret in a watched namespace may give it the provisioner's label. The provisioner's
 * watch of its own Secrets holds a small one whole; of a large one it holds only what an event needs, and reads
 * its content from the API server when asked, so a few hundred labelled 1 MiB Secrets cannot fill its heap.
 */
@EnableKubernetesMockClient(crud = true)
class LabelledSecretsInMemoryTest {
    static final String NAMESPACE = "observability";
    /** Over {@link SecretWatch#HELD_WHOLE_UP_TO} many times: a Secret may hold 1 MiB. */
    static final String LARGE_VALUE = "x".repeat(600 * 1024);

    KubernetesClient client;
    SecretWatch watch;
    List<String> changes = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        create(labelled("tenant-a", Map.of("clientID", "grafana", "clientSecret", "s3cret")));
        create(labelled("padded", Map.of("clientID", "grafana", "padding", LARGE_VALUE)));
        watch = new SecretWatch(client, new WrittenSecrets(), (secret, ownWrite) -> changes.add(secret.getMetadata().getName()
                + "@" + secret.getMetadata().getResourceVersion()), key -> true);
        watch.watchOwned(Optional.of(NAMESPACE));
        await().atMost(Duration.ofSeconds(10)).until(watch::hasSynced);
    }

    @AfterEach
    void tearDown() {
        watch.stop();
    }

    @Test
    void aSmallLabelledSecretIsServedFromTheCache() {
        Secret cached = watch.cached().find(NAMESPACE, "tenant-a").orElseThrow();

        assertEquals(Map.of("clientID", "grafana", "clientSecret", "s3cret"), SecretData.decode(cached));
    }

    @Test
    void aLargeOneIsNotHeldButReadFromTheApiServer() {
        assertTrue(watch.cached().find(NAMESPACE, "padded").isEmpty(), "a large labelled Secret is not held whole");

        Secret read = watch.lookup().find(NAMESPACE, "padded").orElseThrow();
        assertEquals(LARGE_VALUE, SecretData.decode(read).get("padding"));
    }

    @Test
    void aLargeOneStillReportsItsChangesAndIsHeldOnceItIsSmallAgain() {
        Secret padded = client.secrets().inNamespace(NAMESPACE).withName("padded").get();
        Secret changed = client.secrets().inNamespace(NAMESPACE).resource(new SecretBuilder(padded)
                .withData(SecretData.encode(Map.of("clientID", "grafana", "padding", LARGE_VALUE + "y"))).build()).update();
        await().atMost(Duration.ofSeconds(10)).until(() -> changes.contains("padded@" + changed.getMetadata().getResourceVersion()));
        assertTrue(watch.cached().find(NAMESPACE, "padded").isEmpty());

        // As the provisioner would put right a Secret of its own that someone padded.
        Secret repaired = client.secrets().inNamespace(NAMESPACE).resource(new SecretBuilder(changed)
                .withData(SecretData.encode(Map.of("clientID", "grafana", "clientSecret", "s3cret")))
                .build()).update();
        await().atMost(Duration.ofSeconds(10)).until(() -> watch.cached().find(NAMESPACE, "padded")
                .filter(s -> s.getMetadata().getResourceVersion().equals(repaired.getMetadata().getResourceVersion())).isPresent());
        assertEquals("s3cret", SecretData.decode(watch.cached().find(NAMESPACE, "padded").orElseThrow()).get("clientSecret"));
    }

    private void create(Secret secret) {
        client.secrets().inNamespace(NAMESPACE).resource(secret).create();
    }

    private static Secret labelled(String name, Map<String, String> values) {
        return new SecretBuilder().withNewMetadata().withNamespace(NAMESPACE).withName(name)
                .addToLabels(Ownership.MANAGED_BY, Ownership.MANAGED_BY_VALUE)
                .addToLabels(Ownership.GATEWAY, "tempo")
                .endMetadata()
                .withData(SecretData.encode(Map.copyOf(values)))
                .build();
    }
}
