package dev.tracegate.provisioner.reconcile;

import static dev.tracegate.provisioner.support.Fixtures.GATEWAY;
import static dev.tracegate.provisioner.support.Fixtures.TENANT;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracegate.provisioner.crd.DatasourceSpec;
import dev.tracegate.provisioner.crd.SecretKeyRef;
import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.grafana.DatasourceUid;
import dev.tracegate.provisioner.grafana.GrafanaStandIn;
import dev.tracegate.provisioner.support.Cluster;
import dev.tracegate.provisioner.support.Fixtures;
import dev.tracegate.provisioner.support.KubernetesMockSetup;
import dev.tracegate.testsupport.CapturedLogs;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A replica that loses the Lease in the middle of a reconcile stops before the next phase: the new leader reconciles
 * every TempoGateway when it takes over, and two replicas writing the same status side by side would each undo the
 * other's. The test stops this replica's leadership while Grafana checks a datasource's health (the sync's last
 * call), so the status is the phase left undone.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = KubernetesMockSetup.class)
@TestProfile(LostLeadTest.OwnApplication.class)
class LostLeadTest {

    /** An application of its own: the test ends its leadership for good. */
    public static class OwnApplication implements QuarkusTestProfile {
    }

    @Inject
    KubernetesClient client;

    @Inject
    Leadership leadership;

    @Inject
    MeterRegistry meters;

    private double reconciles() {
        return meters.find("tracegate.provisioner.reconciles").counters().stream().mapToDouble(Counter::count).sum();
    }

    @Test
    void aReplicaThatLosesTheLeaseMidwayWritesNoStatus() throws Exception {
        await().atMost(Duration.ofSeconds(20)).until(leadership::isLeader);
        Cluster cluster = new Cluster(client);
        String namespace = Fixtures.freshNamespace();
        String uid = DatasourceUid.of(namespace + "/" + GATEWAY, TENANT);
        try (GrafanaStandIn grafana = GrafanaStandIn.start(); CapturedLogs logs = CapturedLogs.start()) {
            grafana.delayHealth(uid, Duration.ofSeconds(10)); // ample for the test to stop leading meanwhile, on a busy machine too
            TempoGateway gateway = cluster.seedWithGrafana(namespace, grafana);
            // With a token of its own Grafana can check the datasource's health (not so with the user's identity).
            gateway.getSpec().grafana.datasource = new DatasourceSpec();
            gateway.getSpec().grafana.datasource.authentication = DatasourceSpec.Authentication.BEARER_TOKEN;
            gateway.getSpec().grafana.datasource.tokenSecret = new SecretKeyRef("gateway-reader", "token");
            cluster.apply(Fixtures.secret(namespace, "gateway-reader", Map.of("token", "reader-token")));
            cluster.create(gateway);

            // The datasource is made; its health check waits 10 s: the Lease is lost meanwhile.
            await().atMost(Duration.ofSeconds(20)).until(() -> grafana.datasource(uid).isPresent());
            leadership.stop();

            // The reconcile under way ends (the first one counted: this application has no other TempoGateway).
            await().atMost(Duration.ofSeconds(20)).until(() -> reconciles() > 0);
            assertNull(cluster.gateway(namespace).getStatus(), "the replica that lost the Lease wrote no status");
            assertEquals(1.0, meters.counter("tracegate.provisioner.reconciles", "result", "skipped").count());
            assertTrue(logs.records().stream().map(CapturedLogs::text)
                    .anyMatch(line -> line.contains("Lost the lead while reconciling") && line.contains("its status")));
            assertEquals(1, grafana.datasources().size(), "the sync already under way finished");
        }
    }
}
