package dev.tracegate.provisioner.reconcile;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.kube.SecretLookup;
import dev.tracegate.provisioner.secrets.WrittenSecrets;
import dev.tracegate.provisioner.support.Fixtures;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the watch remembers of the Secret versions a TempoGateway's reconcile read, and that a deleted TempoGateway
 * leaves nothing behind. The steps of a reconcile and of a deletion are taken in order by hand: no timing.
 */
@EnableKubernetesMockClient(crud = true)
class SecretWatchTest {
    static final String NAMESPACE = "observability";

    KubernetesClient client;

    Set<String> gatewaysInCache = ConcurrentHashMap.newKeySet();
    SecretWatch watch;
    TempoGateway gateway;
    Secret credentials;

    @BeforeEach
    void setUp() {
        credentials = client.secrets().inNamespace(NAMESPACE)
                .resource(Fixtures.secret(NAMESPACE, "grafana-admin", Map.of("token", "glsa_token"))).create();
        gateway = Fixtures.seedGateway(NAMESPACE);
        gateway.getSpec().grafana = Fixtures.grafana("http://grafana:3000", "grafana-admin");
        gatewaysInCache.add(gateway.key());
        watch = new SecretWatch(client, new WrittenSecrets(), (secret, ownWrite) -> {
        }, gatewaysInCache::contains);
    }

    @Test
    void theVersionAReconcileReadIsNoNewsForItsGateway() {
        watch.lookupFor(gateway).find(NAMESPACE, "grafana-admin");

        assertTrue(watch.alreadyRead(gateway.key(), credentials));
    }

    @Test
    void aReconcileStillReadingWhenItsGatewayIsDeletedLeavesNothingRemembered() {
        SecretLookup reconcileReads = watch.lookupFor(gateway);
        // The TempoGateway is deleted: gone from the cache, then its delete handler forgets it.
        gatewaysInCache.remove(gateway.key());
        watch.forget(gateway.key());

        reconcileReads.find(NAMESPACE, "grafana-admin");

        assertFalse(watch.alreadyRead(gateway.key(), credentials), "a deleted TempoGateway's reads are not kept");
    }
}
