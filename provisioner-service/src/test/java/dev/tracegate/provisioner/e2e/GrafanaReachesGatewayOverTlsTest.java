package dev.tracegate.provisioner.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import javax.net.ssl.SSLHandshakeException;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

import dev.tracegate.provisioner.crd.DatasourceSpec;
import dev.tracegate.provisioner.crd.SecretKeyRef;
import dev.tracegate.provisioner.crd.TempoGateway;
import dev.tracegate.provisioner.grafana.DatasourceUid;
import dev.tracegate.provisioner.grafana.GrafanaStandIn;
import dev.tracegate.provisioner.support.Cluster;
import dev.tracegate.provisioner.support.ComponentPatch;
import dev.tracegate.provisioner.support.Fixtures;
import dev.tracegate.provisioner.support.KubernetesMockSetup;
import dev.tracegate.testsupport.LoopbackCertificate;
import dev.tracegate.testsupport.PemTrust;

/**
 * Grafana to the gateway over TLS, as kubernetes/components/gateway-tls and examples/gateway-tls set it up: the
 * packaged gateway serves its public port with the component's own environment (read from its YAML, the Secret's
 * files a certificate made here), the TempoGateway names it by an https URL and names the CA in
 * {@code spec.grafana.datasource.caSecret}. The datasource the provisioner writes to Grafana (a stand-in) then holds
 * all that Grafana's data proxy needs to reach the gateway: the URL and the CA, which a client must trust to get
 * through.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = KubernetesMockSetup.class)
class GrafanaReachesGatewayOverTlsTest {

    private static final Path COMPONENT = Path.of("..", "kubernetes", "components", "gateway-tls", "gateway-tls.yaml");
    /** The Secret examples/gateway-tls names for the CA (the test's holds the CA alone). */
    private static final String CA_SECRET = "tracegate-provisioner-tls";

    @Inject
    KubernetesClient client;

    @TestHTTPResource("/")
    URL provisioner;

    @Test
    void theDatasourceCarriesTheUrlAndTheCaThatReachTheGatewayOverHttps() throws Exception {
        Path dir = Path.of("target", "gateway-tls-component");
        LoopbackCertificate certificate = LoopbackCertificate.create(dir, "gateway");
        Map<String, String> environment = ComponentPatch.environment(COMPONENT,
                Map.of("tls.crt", certificate.certificatePem(), "tls.key", certificate.privateKeyPem()), dir);
        String caPem = Files.readString(certificate.certificatePem());
        String namespace = Fixtures.freshNamespace();
        Cluster cluster = new Cluster(client);
        try (GrafanaStandIn grafana = GrafanaStandIn.start()) {
            cluster.apply(Fixtures.secret(namespace, "grafana-admin", Map.of("token", GrafanaStandIn.TOKEN)));
            cluster.apply(Fixtures.secret(namespace, CA_SECRET, Map.of("ca.crt", caPem)));
            try (SeededGateway gateway = SeededGateway.start(cluster, namespace, provisioner, List.of(), environment,
                    (seed, url) -> {
                        seed.getSpec().gateway.url = url;
                        seed.getSpec().grafana = Fixtures.grafana(grafana.url().toString(), "grafana-admin");
                        seed.getSpec().grafana.datasource = new DatasourceSpec();
                        seed.getSpec().grafana.datasource.caSecret = new SecretKeyRef(CA_SECRET, "ca.crt");
                    })) {
                assertTrue(gateway.url.startsWith("https://"), gateway.url);
                String uid = DatasourceUid.of(namespace + "/" + Fixtures.GATEWAY, Fixtures.TENANT);
                GrafanaStandIn.Datasource datasource = grafana.datasource(uid).orElseThrow();
                assertEquals(gateway.url + "/api/traces/v1/" + Fixtures.TENANT + "/tempo", datasource.url());
                assertTrue(datasource.jsonData().path("tlsAuthWithCACert").asBoolean(), datasource.json().toString());
                String ca = datasource.secureJsonData().get("tlsCACert");
                assertEquals(caPem, ca);

                // Grafana's data proxy: the datasource's URL, trusting the datasource's CA alone. The gateway itself
                // answers, over TLS: the tenant asks for a token.
                URI echo = URI.create(datasource.url() + "/api/echo");
                HttpClient grafanasProxy = HttpClient.newBuilder().sslContext(PemTrust.of(ca))
                        .connectTimeout(Duration.ofSeconds(5)).build();
                HttpResponse<String> answer = grafanasProxy.send(HttpRequest.newBuilder(echo)
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(401, answer.statusCode(), answer.body());
                assertEquals("Bearer realm=\"" + Fixtures.TENANT + "\"",
                        answer.headers().firstValue("WWW-Authenticate").orElse(null));
                // Without that CA, nothing is sent.
                assertThrows(SSLHandshakeException.class, () -> SeededGateway.HTTP.send(HttpRequest.newBuilder(echo)
                        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()));
            } finally {
                // While Grafana is there: the finalizer's cleanup needs it, and nothing is left retrying.
                client.resources(TempoGateway.class).inNamespace(namespace).withName(Fixtures.GATEWAY).delete();
                await().atMost(Duration.ofSeconds(20)).until(() -> cluster.gateway(namespace) == null);
            }
        }
    }
}
