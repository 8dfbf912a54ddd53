package dev.tracegate.provisioner.health;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.tracegate.provisioner.support.Cluster;
import dev.tracegate.provisioner.support.Fixtures;
import dev.tracegate.provisioner.support.KubernetesMockSetup;
import dev.tracegate.testsupport.MonitoredMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URL;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every provisioner metric that kubernetes/components/monitoring (alerts, dashboard) uses is one /q/metrics exports. */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = KubernetesMockSetup.class)
class MonitoredMetricsTest {
    static final Pattern METRIC = Pattern.compile("tracegate_provisioner_[a-z_]+");

    @Inject
    KubernetesClient client;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Test
    void everyMetricOfTheAlertsAndTheDashboardIsExported() throws IOException {
        // What a running provisioner has done after a while: reconciled, served a fetch, reviewed a token.
        String namespace = Fixtures.freshNamespace();
        Cluster cluster = new Cluster(client);
        cluster.seedReadyGateway(namespace, "s3cret");
        given().header("Authorization", "Bearer not-a-service-account-token").get("/api/v1/gateways/" + namespace + "/tempo-foo/config")
                .then().statusCode(401);

        Set<String> used = MonitoredMetrics.used(METRIC);
        assertFalse(used.isEmpty(), "the monitoring component uses provisioner metrics");
        Set<String> missing = MonitoredMetrics.missing(used, given().get(metrics).asString());
        assertEquals(Set.of(), missing, "used in " + MonitoredMetrics.MONITORING + " but not in /q/metrics");
    }
}
