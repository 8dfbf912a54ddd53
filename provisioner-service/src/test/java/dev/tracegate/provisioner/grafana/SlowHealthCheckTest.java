package dev.tracegate.provisioner.grafana;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.tracegate.provisioner.grafana.GrafanaDatasourcesTest.BEARER;
import static dev.tracegate.provisioner.grafana.GrafanaDatasourcesTest.DEV;
import static dev.tracegate.provisioner.grafana.GrafanaDatasourcesTest.OPS;
import static dev.tracegate.provisioner.grafana.GrafanaDatasourcesTest.OWNER;
import static dev.tracegate.provisioner.grafana.GrafanaDatasourcesTest.TEST_OIDC;
import static dev.tracegate.provisioner.grafana.GrafanaDatasourcesTest.bearer;
import static dev.tracegate.provisioner.grafana.GrafanaDatasourcesTest.byTenant;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Grafana checks a datasource's health by calling its URL (the gateway, then Tempo), so a slow Tempo makes a slow
 * answer: that is the datasource's health, not Grafana gone, and the other tenants are still synced. One call at a
 * time here, so that the tenants after the slow one would not have been started had the sync stopped.
 */
@QuarkusTest
@WithKubernetesTestServer
@TestProfile(SlowHealthCheckTest.ShortReadTimeout.class)
class SlowHealthCheckTest {

    public static class ShortReadTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tracegate.grafana.read-timeout", "4s", "tracegate.provisioner.concurrent-calls", "1");
        }
    }

    @Inject
    GrafanaDatasources datasources;

    GrafanaStandIn grafana;

    @BeforeEach
    void startGrafana() {
        grafana = GrafanaStandIn.start();
    }

    @AfterEach
    void stopGrafana() {
        grafana.close();
    }

    @Test
    void aHealthCheckThatTakesLongerThanTheReadTimeoutIsThatDatasourcesHealthAndTheOthersAreSynced() {
        // Well past the read timeout, which every other call keeps well within, also on a busy machine.
        grafana.delayHealth(DatasourceUid.of(OWNER, TEST_OIDC.tenantName()), Duration.ofSeconds(12));

        SyncReport report = datasources.sync(grafana.tokenConnection(), bearer(BEARER, TEST_OIDC, DEV, OPS));

        assertTrue(report.grafanaReachable(), "Grafana answered every other call: " + report.error());
        assertEquals(List.of(Outcome.CREATED, Outcome.CREATED, Outcome.CREATED),
                report.tenants().stream().map(TenantDatasourceStatus::outcome).toList());
        String slow = byTenant(report, TEST_OIDC.tenantName()).health();
        assertTrue(slow.startsWith("ERROR: no answer from Grafana's check of the datasource ("), slow);
        assertEquals("OK", byTenant(report, DEV.tenantName()).health());
        assertEquals("OK", byTenant(report, OPS.tenantName()).health());
        assertEquals(3, grafana.datasources().size());
    }
}
