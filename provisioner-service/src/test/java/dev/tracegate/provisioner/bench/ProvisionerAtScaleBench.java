package dev.tracegate.provisioner.bench;

import static dev.tracegate.provisioner.support.Fixtures.GATEWAY;
import static dev.tracegate.provisioner.support.Fixtures.GATEWAY_SA;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.grafana.GrafanaStandIn;
import dev.tracegate.provisioner.status.Conditions;
import dev.tracegate.provisioner.support.Cluster;
import dev.tracegate.provisioner.support.Fixtures;
import dev.tracegate.provisioner.support.KubernetesMockSetup;
import dev.tracegate.provisioner.support.ServiceAccountTokens;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The provisioner at scale, for bench/provisioner.sh: not part of the test suite (it runs only with
 * {@code -Dtracegate.bench=true}). Against fabric8's mock API server and the Grafana stand-in, it times a
 * TempoGateway with {@code tracegate.bench.tenants} tenants (1,000) from creation to one datasource per tenant and
 * Ready, then one rotation of the secretSync source Secret until the gateways' published document holds the new
 * secret for every tenant. It asserts the end states only; the times go to target/bench-provisioner.txt.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = KubernetesMockSetup.class)
@Tag("bench")
@EnabledIfSystemProperty(named = "tracegate.bench", matches = "true")
class ProvisionerAtScaleBench {
    static final String GRAFANA_CREDENTIALS = "grafana-admin";
    static final Duration LIMIT = Duration.ofMinutes(5);
    static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    KubernetesClient client;

    @Test
    void thousandTenantsToDatasourcesAndOneRotationToEveryTenant() throws IOException, InterruptedException {
        int tenants = Integer.getInteger("tracegate.bench.tenants", 1000);
        Cluster cluster = new Cluster(client);
        String namespace = Fixtures.freshNamespace();
        List<String> names = IntStream.range(0, tenants).mapToObj(i -> String.format("tenant-%04d", i)).toList();
        try (GrafanaStandIn grafana = GrafanaStandIn.start()) {
            cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "first-secret"));
            cluster.apply(Fixtures.secret(namespace, GRAFANA_CREDENTIALS, Map.of("token", GrafanaStandIn.TOKEN)));
            TempoGateway gateway = Fixtures.seedGateway(namespace);
            gateway.getSpec().tenants.authentication = names.stream().map(n -> Fixtures.tenant(n, "oidc-" + n)).toList();
            gateway.getSpec().tenants.authorization.roles.get(0).tenants = names;
            gateway.getSpec().grafana = Fixtures.grafana(grafana.url().toString(), GRAFANA_CREDENTIALS);

            long created = System.nanoTime();
            cluster.create(gateway);
            await().atMost(LIMIT).pollInterval(Duration.ofMillis(50)).until(() ->
                    grafana.datasources().size() >= tenants && cluster.conditionIs(namespace, Conditions.READY, "True"));
            long ready = System.nanoTime();
            assertEquals(tenants, grafana.datasources().size());

            String path = "/api/v1/gateways/" + namespace + "/" + GATEWAY + "/config";
            String token = ServiceAccountTokens.of(namespace, GATEWAY_SA);
            // The JDK's client and Jackson: RestAssured's Groovy parsing of a thousand tenants at every poll takes
            // more CPU than the provisioner does on a small machine.
            HttpClient http = HttpClient.newHttpClient();
            HttpRequest fetch = HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port + path))
                    .header("Authorization", "Bearer " + token).build();
            assertEquals(tenants, secretsIn(http.send(fetch, BodyHandlers.ofByteArray())).stream()
                    .filter("first-secret"::equals).count());

            Set<String> etags = new HashSet<>();
            long rotated = System.nanoTime();
            cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "second-secret"));
            // Each document is parsed once (by its ETag).
            await().atMost(LIMIT).pollInterval(Duration.ofMillis(50)).until(() -> {
                HttpResponse<byte[]> document = http.send(fetch, BodyHandlers.ofByteArray());
                return etags.add(document.headers().firstValue("ETag").orElse(""))
                        && secretsIn(document).stream().allMatch("second-secret"::equals);
            });
            long published = System.nanoTime();

            String line = String.format("BENCH provisioner tenants=%d ready_ms=%d rotation_ms=%d documents_seen=%d%n", tenants,
                    (ready - created) / 1_000_000, (published - rotated) / 1_000_000, etags.size());
            System.out.print(line);
            Files.writeString(Path.of("target", "bench-provisioner.txt"), line);
            // Left in place: deleting it would have the finalizer remove 1,000 datasources while the test waits.
        }
    }

    private static List<String> secretsIn(HttpResponse<byte[]> document) throws IOException {
        assertEquals(200, document.statusCode(), () -> new String(document.body(), StandardCharsets.UTF_8));
        List<String> secrets = new ArrayList<>();
        JSON.readTree(document.body()).path("tenants").path("authentication")
                .forEach(tenant -> secrets.add(tenant.path("oidc").path("clientSecret").asText(null)));
        return secrets;
    }
}
