package dev.tracegate.provisioner.kube;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** What the store of a labelled-objects informer holds of an object it does not keep whole. */
class LabelledObjectStoreTest {
    static final String OURS = "app.kubernetes.io/managed-by";

    LabelledObjectStore<Secret> store = new LabelledObjectStore<>(Set.of(OURS),
            secret -> !secret.getData().containsKey("padding"), meta -> new SecretBuilder().withMetadata(meta).build());

    @Test
    void ofAnObjectNotKeptWholeOnlyItsIdentityVersionAndTheKeptLabelsRemain() {
        Secret padded = secret("x".repeat(4096));

        store.put("observability/tenant-a", padded);

        Secret held = store.get("observability/tenant-a");
        assertEquals("observability", held.getMetadata().getNamespace());
        assertEquals("tenant-a", held.getMetadata().getName());
        assertEquals("uid-1", held.getMetadata().getUid());
        assertEquals("17", held.getMetadata().getResourceVersion());
        assertEquals(Map.of(OURS, "tracegate-provisioner"), held.getMetadata().getLabels());
        assertNoneIn(held.getMetadata().getAnnotations());
        assertTrue(held.getMetadata().getOwnerReferences().isEmpty());
        assertNoneIn(held.getData());
        assertTrue(store.whole("observability/tenant-a").isEmpty());
    }

    @Test
    void anObjectKeptWholeIsHeldAsItCame() {
        Secret padded = secret("x");
        Secret small = new SecretBuilder(padded).withData(Map.of("clientID", "Z3JhZmFuYQ==")).build();
        store.put("observability/tenant-a", padded);

        Secret previous = store.put("observability/tenant-a", small);

        // The informer compares the new object with the previous one: the reduced copy.
        assertNoneIn(previous.getData());
        assertSame(small, store.get("observability/tenant-a"));
        assertSame(small, store.whole("observability/tenant-a").orElseThrow());
        assertEquals("observability/tenant-a", store.getKey(small));
    }

    private static void assertNoneIn(Map<String, String> values) {
        assertTrue(values == null || values.isEmpty(), String.valueOf(values));
    }

    private static Secret secret(String padding) {
        return new SecretBuilder().withNewMetadata().withNamespace("observability").withName("tenant-a")
                .withUid("uid-1").withResourceVersion("17")
                .addToLabels(OURS, "tracegate-provisioner").addToLabels("team", "a".repeat(60))
                .addToAnnotations("note", "n".repeat(4096))
                .addNewOwnerReference().withKind("TempoGateway").withName("tempo").withUid("uid-0").endOwnerReference()
                .endMetadata()
                .withData(Map.of("clientID", "Z3JhZmFuYQ==", "padding", padding))
                .build();
    }
}
