package dev.tracegate.provisioner.datasources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.grafana.GrafanaStandIn;
import dev.tracegate.provisioner.kube.SecretLookup;
import dev.tracegate.provisioner.support.Fixtures;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * DatasourceSync on its own, against a Grafana stand-in: orders of events the reconciler cannot be made to produce on
 * demand. Quarkus boots (with a mock Kubernetes API) only because the REST client needs it.
 */
@QuarkusTest
@WithKubernetesTestServer
class DatasourceSyncTest {
    static final String CREDENTIALS = "grafana-admin";

    @Inject
    DatasourceSync sync;

    @Test
    void aGatewayDeletedBeforeTheRemovalOfSpecGrafanaWasReconciledStillLosesItsDatasources() {
        try (GrafanaStandIn grafana = GrafanaStandIn.start()) {
            TempoGateway gateway = Fixtures.seedGateway(Fixtures.freshNamespace());
            gateway.getSpec().grafana = Fixtures.grafana(grafana.url().toString(), CREDENTIALS);
            SecretLookup secrets = (namespace, name) -> name.equals(CREDENTIALS)
                    ? Optional.of(Fixtures.secret(namespace, name, Map.of("token", GrafanaStandIn.TOKEN))) : Optional.empty();
            sync.sync(gateway, secrets);
            assertEquals(1, grafana.datasources().size());

            // spec.grafana removed, then the TempoGateway deleted, and the first reconcile to see either sees both.
            gateway.getSpec().grafana = null;
            DatasourceSync.CleanupResult cleanup = sync.deleteAll(gateway, secrets);

            assertTrue(cleanup.complete(), cleanup.message());
            assertEquals(List.of(), grafana.datasources(), "deleted with the last connection that worked");
        }
    }
}
