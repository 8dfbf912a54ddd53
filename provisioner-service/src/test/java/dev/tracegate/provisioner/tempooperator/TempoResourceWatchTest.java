package dev.tracegate.provisioner.tempooperator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tracegate.provisioner.support.Fixtures;
import dev.tracegate.provisioner.support.TempoOperatorResources;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The news of a TempoStack just watched is handled with the TempoStack in the watch's cache: the handlers (the
 * Secret watches of its tenants, among them) read it from there, and a watch whose first news found nothing would
 * leave its tenants' Secrets unwatched until the next change. That happened when the watch started inside the
 * computation of its map entry, whenever its first news came before the entry was in: on a busy machine only (once
 * in CI). This test cannot force that race; it guards the order, over many watches at once.
 */
@EnableKubernetesMockClient(crud = true)
class TempoResourceWatchTest {
    static final int STACKS = 40;

    KubernetesClient client;
    TempoResourceWatch watch;

    @AfterEach
    void stop() {
        watch.stop();
    }

    @Test
    void theFirstNewsOfEachWatchFindsItsTempoStackCached() {
        String namespace = Fixtures.freshNamespace();
        List<TempoResourceWatch.Ref> refs = new ArrayList<>();
        for (int i = 0; i < STACKS; i++) {
            GenericKubernetesResource stack = TempoOperatorResources.example(client, "tempostack.yaml", namespace);
            stack.getMetadata().setName("stack-" + i);
            TempoOperatorResources.create(client, stack);
            refs.add(new TempoResourceWatch.Ref(TempoResourceKind.TEMPO_STACK, namespace, "stack-" + i));
        }
        watch = new TempoResourceWatch(client);
        Map<TempoResourceWatch.Ref, Boolean> cachedAtFirstNews = new ConcurrentHashMap<>();
        watch.onChange(ref -> cachedAtFirstNews.putIfAbsent(ref, watch.cached(ref).isPresent()));

        refs.forEach(watch::get);

        await().atMost(Duration.ofSeconds(20)).until(() -> cachedAtFirstNews.size() == STACKS);
        assertEquals(List.of(), refs.stream().filter(ref -> !cachedAtFirstNews.get(ref)).map(TempoResourceWatch.Ref::name)
                .toList(), "watches whose first news found no TempoStack in their cache");
    }
}
