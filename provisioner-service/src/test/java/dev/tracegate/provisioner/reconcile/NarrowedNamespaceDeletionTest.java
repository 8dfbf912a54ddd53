package dev.tracegate.provisioner.reconcile;

import static dev.tracegate.provisioner.support.Fixtures.GATEWAY;
import static dev.tracegate.provisioner.support.Fixtures.TENANT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.grafana.DatasourceUid;
import dev.tracegate.provisioner.grafana.GrafanaStandIn;
import dev.tracegate.provisioner.support.ApiRequestLog;
import dev.tracegate.provisioner.support.Cluster;
import dev.tracegate.provisioner.support.Fixtures;
import dev.tracegate.provisioner.support.KubernetesMockSetup;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A namespace deleted while the provisioner's rights there come from a RoleBinding in it (kubernetes/README.md,
 * "Narrowing the provisioner"): the RoleBinding goes at once, so from then on the API server refuses the
 * provisioner every Secret there, while the TempoGateway waits on the cleanup finalizer. The cleanup still runs and
 * the TempoGateway goes; a namespace held in Terminating would need a hand to remove the finalizer.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = KubernetesMockSetup.class)
class NarrowedNamespaceDeletionTest {
    static final String GRAFANA_CREDENTIALS = Cluster.GRAFANA_CREDENTIALS;
    static final String FORBIDDEN = """
            {"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "Forbidden", "code": 403,
             "message": "secrets \\"grafana-admin\\" is forbidden: User \\"system:serviceaccount:tracegate:tracegate-provisioner\\" cannot get resource \\"secrets\\" in API group \\"\\" in the namespace"}
            """;

    @KubernetesTestServer
    KubernetesServer mockServer;

    @Inject
    KubernetesClient client;

    @Test
    void theCleanupRunsThoughTheSecretsOfTheNamespaceCanNoLongerBeRead() {
        Cluster cluster = new Cluster(client);
        String namespace = Fixtures.freshNamespace();
        try (GrafanaStandIn grafana = GrafanaStandIn.start()) {
            cluster.create(cluster.seedWithGrafana(namespace, grafana));
            String uid = DatasourceUid.of(namespace + "/" + GATEWAY, TENANT);
            await().atMost(Duration.ofSeconds(20)).until(() -> grafana.datasource(uid).isPresent());

            // The namespace goes: its RoleBinding first, then (in any order) its Secrets and the TempoGateway.
            mockServer.expect().get().withPath("/api/v1/namespaces/" + namespace + "/secrets/" + GRAFANA_CREDENTIALS)
                    .andReturn(403, FORBIDDEN).always();
            long readsBefore = liveReads(namespace);
            client.secrets().inNamespace(namespace).withName(GRAFANA_CREDENTIALS).delete();
            // The provisioner's cache has let the Secret go: its next reconcile asks the API server, and is refused.
            await().atMost(Duration.ofSeconds(20)).until(() -> liveReads(namespace) > readsBefore);
            client.resources(TempoGateway.class).inNamespace(namespace).withName(GATEWAY).delete();

            await().atMost(Duration.ofSeconds(20)).until(() -> cluster.gateway(namespace) == null);
            assertFalse(grafana.datasource(uid).isPresent(), "deleted with the last Grafana connection that worked");
            assertTrue(cluster.events(namespace).stream().anyMatch(e -> e.getReason().equals("CleanedUp")));
        }
    }

    /** GETs of the credentials Secret the provisioner sent to the API server (not answered from its cache). */
    private static long liveReads(String namespace) {
        return ApiRequestLog.read().stream().filter(r -> r.verb().equals("get") && r.resource().equals("secrets")
                && r.namespace().equals(namespace) && r.name().equals(GRAFANA_CREDENTIALS)).count();
    }
}
