package dev.tracegate.provisioner.status;

import static dev.tracegate.provisioner.support.Fixtures.GATEWAY;
import static dev.tracegate.provisioner.support.Fixtures.TENANT;
import static dev.tracegate.provisioner.support.Fixtures.TENANT_SECRET;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracegate.provisioner.crd.Condition;
import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.crd.TenantStatus;
import dev.tracegate.provisioner.reconcile.GatewayReconciler;
import dev.tracegate.provisioner.reconcile.ReconcileResult;
import dev.tracegate.provisioner.support.Cluster;
import dev.tracegate.provisioner.support.Fixtures;
import dev.tracegate.provisioner.support.KubernetesMockSetup;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What a person sees with kubectl get/describe: conditions, per-tenant status, Events; and what delete does. */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = KubernetesMockSetup.class)
class GatewayStatusTest {
    @Inject
    KubernetesClient client;

    @Inject
    GatewayReconciler reconciler;

    Cluster cluster;
    String namespace;

    @BeforeEach
    void freshNamespace() {
        cluster = new Cluster(client);
        namespace = Fixtures.freshNamespace();
    }

    @Test
    void aReadyGatewayReportsEveryConditionForItsGeneration() {
        cluster.seedReadyGateway(namespace, "s3cret");
        TempoGateway gateway = cluster.gateway(namespace);
        assertEquals(gateway.getMetadata().getGeneration(), gateway.getStatus().observedGeneration);
        List<String> types = gateway.getStatus().conditions.stream().map(c -> c.type).toList();
        assertEquals(List.of("Ready", "SecretsSynced", "ConfigPublished", "DatasourcesSynced"), types);
        for (Condition condition : gateway.getStatus().conditions) {
            assertEquals("True", condition.status, condition.toString());
            assertNotNull(condition.lastTransitionTime);
            assertEquals(gateway.getMetadata().getGeneration(), condition.observedGeneration);
        }
        assertEquals("NotConfigured", cluster.condition(namespace, Conditions.DATASOURCES_SYNCED).orElseThrow().reason);
        assertNotNull(gateway.getStatus().configETag);
        TenantStatus tenant = gateway.getStatus().tenants.get(0);
        assertEquals(TENANT, tenant.tenantName);
        assertEquals(TENANT_SECRET, tenant.secret);
        assertEquals("Synced", tenant.secretResult);
    }

    @Test
    void aSpecChangeIsObservedUnderItsNewGeneration() {
        cluster.seedReadyGateway(namespace, "s3cret");

        TempoGateway updated = cluster.editGateway(namespace,
                g -> g.getSpec().tenants.authentication.add(Fixtures.tenant("dev", "oidc-dev")));

        await().atMost(Duration.ofSeconds(20)).until(() -> {
            TempoGateway now = cluster.gateway(namespace);
            return now.getStatus().tenants.size() == 2 && now.getStatus().observedGeneration.equals(updated.getMetadata().getGeneration());
        });
        assertEquals("grafana", cluster.secretValue(namespace, "oidc-dev", "clientID"));
    }

    @Test
    void transitionsAreRecordedAsEventsOnTheGateway() {
        cluster.create(Fixtures.seedGateway(namespace));
        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.conditionIs(namespace, Conditions.READY, "False"));

        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "s3cret"));
        cluster.awaitReady(namespace);

        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.events(namespace).stream().anyMatch(e -> "Ready".equals(e.getReason())));
        List<Event> events = cluster.events(namespace);
        assertTrue(events.stream().allMatch(e -> "TempoGateway".equals(e.getInvolvedObject().getKind())
                && GATEWAY.equals(e.getInvolvedObject().getName())), "every Event is about the gateway");
        assertTrue(events.stream().anyMatch(e -> "Warning".equals(e.getType()) && "SourceSecretMissing".equals(e.getReason())), reasons(events));
        assertTrue(events.stream().anyMatch(e -> "Normal".equals(e.getType()) && "Ready".equals(e.getReason())), reasons(events));
        assertTrue(events.stream().anyMatch(e -> "SecretCreated".equals(e.getReason()) && e.getMessage().contains(TENANT_SECRET)), reasons(events));
    }

    @Test
    void reconcilingAgainWithNothingChangedWritesNothing() {
        cluster.seedReadyGateway(namespace, "s3cret");
        await().atMost(Duration.ofSeconds(20)).until(() -> reconciler.reconcile(namespace + "/" + GATEWAY) == ReconcileResult.READY);
        // Transition Events follow the status write: wait until each condition's last transition has its Event.
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            Set<String> reasons = cluster.events(namespace).stream().map(Event::getReason).collect(Collectors.toSet());
            return cluster.gateway(namespace).getStatus().conditions.stream().allMatch(c -> reasons.contains(c.reason));
        });
        String gatewayVersion = cluster.gateway(namespace).getMetadata().getResourceVersion();
        String secretVersion = cluster.secret(namespace, TENANT_SECRET).getMetadata().getResourceVersion();
        int events = cluster.events(namespace).size();

        assertEquals(ReconcileResult.READY, reconciler.reconcile(namespace + "/" + GATEWAY));

        assertEquals(gatewayVersion, cluster.gateway(namespace).getMetadata().getResourceVersion());
        assertEquals(secretVersion, cluster.secret(namespace, TENANT_SECRET).getMetadata().getResourceVersion());
        assertEquals(events, cluster.events(namespace).size());
    }

    /**
     * Without spec.grafana the provisioner has nothing to delete when the gateway goes, so it holds no finalizer: the
     * gateway (and its namespace) can be deleted also once the provisioner is uninstalled or stopped.
     */
    @Test
    void aGatewayWithoutGrafanaHoldsNoFinalizer() {
        cluster.seedReadyGateway(namespace, "s3cret");
        assertFalse(cluster.gateway(namespace).hasFinalizer(TempoGateway.CLEANUP_FINALIZER));

        client.resources(TempoGateway.class).inNamespace(namespace).withName(GATEWAY).delete();

        await().atMost(Duration.ofSeconds(20)).until(() -> cluster.gateway(namespace) == null);
    }

    @Test
    void aGatewayNamedBeyondTheLengthOfALabelValueIsRefusedAndNothingIsMade() {
        // Admission refuses such a name now; the mock API server, like a cluster with an older CRD, does not.
        String name = "g".repeat(64);
        cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "s3cret"));
        TempoGateway gateway = Fixtures.seedGateway(namespace);
        gateway.getMetadata().setName(name);
        cluster.create(gateway);

        await().atMost(Duration.ofSeconds(20)).until(() -> condition(name, Conditions.READY) != null);
        Condition ready = condition(name, Conditions.READY);
        assertEquals("False", ready.status);
        assertEquals(GatewayReconciler.NAME_TOO_LONG, ready.reason);
        assertTrue(ready.message.startsWith("metadata.name: at most 63 characters"), ready.message);
        assertNull(cluster.secret(namespace, TENANT_SECRET), "no Secret is made for it");
    }

    private Condition condition(String gateway, String type) {
        TempoGateway current = client.resources(TempoGateway.class).inNamespace(namespace).withName(gateway).get();
        return current.getStatus() == null ? null : Conditions.find(current.getStatus().conditions, type).orElse(null);
    }

    private static String reasons(List<Event> events) {
        return events.stream().map(e -> e.getType() + "/" + e.getReason()).toList().toString();
    }
}
