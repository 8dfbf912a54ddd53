package dev.tracegate.provisioner.bench;

import static dev.tracegate.provisioner.support.Fixtures.GATEWAY;
import static dev.tracegate.provisioner.support.Fixtures.GATEWAY_SA;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.grafana.GrafanaStandIn;
import dev.tracegate.provisioner.status.Conditions;
import dev.tracegate.provisioner.support.Cluster;
import dev.tracegate.provisioner.support.Fixtures;
import dev.tracegate.provisioner.support.KubernetesMockSetup;
import dev.tracegate.provisioner.support.ServiceAccountTokens;
import dev.tracegate.testsupport.LaunchedArtifact;
import dev.tracegate.testsupport.PackagedAppConfig;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusIntegrationTest;
import io.quarkus.test.kubernetes.client.KubernetesServer;
import io.quarkus.test.kubernetes.client.KubernetesTestServer;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;
import io.restassured.RestAssured;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * {@code -Dtracegate.bench=true}). The packaged provisioner runs as its own process against fabric8's mock API server
 * and the Grafana stand-in, which run in this JVM; with {@code tracegate.bench.provisioner-cpu} set, the provisioner is
 * pinned alone to that CPU (bench/provisioner.sh runs this JVM on the other, with C1 only: the stand-ins stand for
 * servers that compile nothing at run time). It times a TempoGateway with {@code tracegate.bench.tenants} tenants
 * (1,000) from creation to one datasource per tenant and Ready, then
 * {@code tracegate.bench.rotations} (3) rotations of the secretSync source Secret, one after the other, each until the
 * gateways' published document holds the new secret for every tenant, followed as a gateway follows it (a long
 * poll with the ETag it holds); for each phase also the CPU time the provisioner used and the CPU time this JVM used
 * (the API server's and Grafana's side), and the provisioner's peak resident memory. It asserts the end states
 * only; the figures go to target/bench-provisioner.txt.
 */
@QuarkusIntegrationTest
@WithKubernetesTestServer(crud = true, setup = KubernetesMockSetup.class)
@QuarkusTestResource(PackagedAppConfig.class)
@Tag("bench")
@EnabledIfSystemProperty(named = "tracegate.bench", matches = "true")
class ProvisionerAtScaleBenchIT {
    static final String GRAFANA_CREDENTIALS = "grafana-admin";
    static final Duration LIMIT = Duration.ofMinutes(5);
    static final ObjectMapper JSON = new ObjectMapper();
    /** JDK client, Jackson: RestAssured's Groovy parsing of 1,000 tenants took more CPU than the provisioner. */
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @KubernetesTestServer
    KubernetesServer mockServer;

    /** One phase's wall-clock time, and the CPU time each side used meanwhile. */
    record Phase(long wallMs, long provisionerCpuMs, long peerCpuMs) {
        static Phase time(long provisioner, Runnable work) {
            long self = ProcessHandle.current().pid();
            long cpuBefore = LaunchedArtifact.cpuMillis(provisioner);
            long peerBefore = LaunchedArtifact.cpuMillis(self);
            long start = System.nanoTime();
            work.run();
            long wall = (System.nanoTime() - start) / 1_000_000;
            return new Phase(wall, LaunchedArtifact.cpuMillis(provisioner) - cpuBefore, LaunchedArtifact.cpuMillis(self) - peerBefore);
        }

        String figures() {
            return wallMs + "/" + provisionerCpuMs + "/" + peerCpuMs;
        }
    }

    @Test
    void thousandTenantsToDatasourcesThenRotations() throws IOException {
        int tenants = Integer.getInteger("tracegate.bench.tenants", 1000);
        int rotations = Integer.getInteger("tracegate.bench.rotations", 3);
        long provisioner = LaunchedArtifact.the().pid();
        Integer cpu = Integer.getInteger("tracegate.bench.provisioner-cpu");
        if (cpu != null) {
            LaunchedArtifact.pin(provisioner, cpu);
        }
        Cluster cluster = new Cluster(mockServer.getClient());
        String namespace = Fixtures.freshNamespace();
        List<String> names = IntStream.range(0, tenants).mapToObj(i -> String.format("tenant-%04d", i)).toList();
        try (GrafanaStandIn grafana = GrafanaStandIn.start()) {
            cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", "first-secret"));
            cluster.apply(Fixtures.secret(namespace, GRAFANA_CREDENTIALS, Map.of("token", GrafanaStandIn.TOKEN)));
            TempoGateway gateway = Fixtures.seedGateway(namespace);
            gateway.getSpec().tenants.authentication = names.stream().map(n -> Fixtures.tenant(n, "oidc-" + n)).toList();
            gateway.getSpec().tenants.authorization.roles.get(0).tenants = names;
            gateway.getSpec().grafana = Fixtures.grafana(grafana.url().toString(), GRAFANA_CREDENTIALS);

            Phase ready = Phase.time(provisioner, () -> {
                cluster.create(gateway);
                await().atMost(LIMIT).pollInterval(Duration.ofMillis(50)).until(() ->
                        grafana.datasources().size() >= tenants && cluster.conditionIs(namespace, Conditions.READY, "True"));
            });
            assertEquals(tenants, grafana.datasources().size());

            String path = "/api/v1/gateways/" + namespace + "/" + GATEWAY + "/config";
            String token = ServiceAccountTokens.of(namespace, GATEWAY_SA);
            URI config = URI.create(RestAssured.baseURI + ":" + RestAssured.port + path);
            HttpResponse<byte[]> first = send(HttpRequest.newBuilder(config).header("Authorization", "Bearer " + token).build());
            assertEquals(tenants, secretsIn(first).stream().filter("first-secret"::equals).count());
            String[] held = {first.headers().firstValue("ETag").orElseThrow()};

            // The first rotation after start runs code the provisioner has not run before (the updates, their watch
            // events); the later ones show the same work again. Each starts once the reconcile of the one before has
            // ended: the document is published mid-reconcile, and the Grafana sync and the status come after it.
            awaitReconcilesSettled(0);
            List<String> rotated = new ArrayList<>();
            List<String> settled = new ArrayList<>();
            List<String> documentsSeen = new ArrayList<>();
            for (int r = 1; r <= rotations; r++) {
                String secret = "rotated-secret-" + r;
                Set<String> etags = new HashSet<>();
                long reconcilesBefore = reconciles();
                Phase rotation = Phase.time(provisioner, () -> {
                    cluster.apply(Fixtures.grafanaOAuthSecret(namespace, "grafana", secret));
                    // As a gateway follows its document: a long poll with the ETag it holds, answered when another
                    // one is published (or 304 after the wait).
                    long deadline = System.nanoTime() + LIMIT.toNanos();
                    while (true) {
                        HttpResponse<byte[]> document = send(HttpRequest.newBuilder(URI.create(config + "?wait=60000ms"))
                                .header("Authorization", "Bearer " + token).header("If-None-Match", held[0]).build());
                        if (document.statusCode() != 304) {
                            held[0] = document.headers().firstValue("ETag").orElseThrow();
                            etags.add(held[0]);
                            if (secretsIn(document).stream().allMatch(secret::equals)) {
                                return;
                            }
                        }
                        assertTrue(System.nanoTime() < deadline, "no document with the new secret within " + LIMIT);
                    }
                });
                long published = System.nanoTime();
                long[] ended = new long[1];
                Phase rest = Phase.time(provisioner, () -> ended[0] = awaitReconcilesSettled(reconcilesBefore + 1));
                rotated.add(rotation.figures());
                // Its wall time to the reconcile's end (polled every 100 ms), not to the end of the quiet second after it.
                settled.add(new Phase((ended[0] - published) / 1_000_000, rest.provisionerCpuMs(), rest.peerCpuMs()).figures());
                documentsSeen.add(String.valueOf(etags.size()));
            }

            String line = String.format("BENCH provisioner tenants=%d pinned=%s ready=%s rotations=%s then_settled=%s documents_seen=%s peak_rss_mib=%d%n",
                    tenants, cpu == null ? "no" : cpu, ready.figures(), String.join(",", rotated), String.join(",", settled),
                    String.join(",", documentsSeen), LaunchedArtifact.peakRssMiB(provisioner));
            System.out.print(line);
            Files.writeString(Path.of("target", "bench-provisioner.txt"), line);
            // Left in place: deleting it would have the finalizer remove 1,000 datasources while the test waits.
        }
    }

    private static HttpResponse<byte[]> send(HttpRequest request) {
        try {
            return HTTP.send(request, BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Reconciles the provisioner has finished, by its own counter (any result). */
    private static long reconciles() {
        HttpResponse<byte[]> metrics = send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + PackagedAppConfig.managementPort() + "/q/metrics")).build());
        return new String(metrics.body(), StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("tracegate_provisioner_reconciles_total{"))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
    }

    /**
     * Until at least {@code atLeast} reconciles have ended and no more end for a second: the provisioner is idle.
     * Returns when (System.nanoTime) the last of them was seen to end.
     */
    private static long awaitReconcilesSettled(long atLeast) {
        long[] last = {reconciles()};
        long[] since = {System.nanoTime()};
        await().atMost(LIMIT).pollInterval(Duration.ofMillis(100)).until(() -> {
            long now = reconciles();
            if (now != last[0]) {
                last[0] = now;
                since[0] = System.nanoTime();
            }
            return now >= atLeast && System.nanoTime() - since[0] >= Duration.ofSeconds(1).toNanos();
        });
        return since[0];
    }

    private static List<String> secretsIn(HttpResponse<byte[]> document) {
        assertEquals(200, document.statusCode(), () -> new String(document.body(), StandardCharsets.UTF_8));
        List<String> secrets = new ArrayList<>();
        JsonNode parsed;
        try {
            parsed = JSON.readTree(document.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        parsed.path("tenants").path("authentication")
                .forEach(tenant -> secrets.add(tenant.path("oidc").path("clientSecret").asText(null)));
        return secrets;
    }
}
