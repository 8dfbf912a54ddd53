package dev.tracegate.provisioner.e2e;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.kubernetes.client.WithKubernetesTestServer;

import dev.tracegate.provisioner.support.Cluster;
import dev.tracegate.provisioner.support.Fixtures;
import dev.tracegate.provisioner.support.KubernetesMockSetup;
import dev.tracegate.testsupport.ServesHttpsOnly;

/**
 * The two services over TLS, set up as kubernetes/components/provisioner-tls sets them up: the provisioner serves its
 * API over HTTPS only, from PEM files as cert-manager writes them, and the packaged gateway trusts that certificate's
 * CA through {@code tracegate.tenants.provisioner.ca-file} and takes its tenants from it. The management interface
 * (probes, metrics) stays plain HTTP.
 */
@QuarkusTest
@WithKubernetesTestServer(crud = true, setup = KubernetesMockSetup.class)
@QuarkusTestResource(value = ServesHttpsOnly.class, restrictToAnnotatedClass = true)
class GatewayFollowsProvisionerOverTlsTest {

    @Inject
    KubernetesClient client;

    @TestHTTPResource(value = "/", tls = true)
    URL provisioner;

    @TestHTTPResource(value = "/health/ready", management = true)
    URL ready;

    @Test
    void theGatewayTakesItsTenantsOverHttpsFromTheProvisionerItsCaFileTrusts() throws Exception {
        String namespace = Fixtures.freshNamespace();
        try (SeededGateway gateway = SeededGateway.start(new Cluster(client), namespace, provisioner,
                List.of("-Dtracegate.tenants.provisioner.ca-file=" + ServesHttpsOnly.certificate().certificatePem()))) {
            assertEquals(401, SeededGateway.status(gateway.url + "/api/traces/v1/test-oidc/tempo/api/echo"));
            assertEquals(404, SeededGateway.status(gateway.url + "/api/traces/v1/second/tempo/api/echo"));
        }
    }

    @Test
    void theApiSpeaksNoPlainHttpAndTheProbesStayPlainHttp() throws Exception {
        URI cleartext = URI.create(provisioner.toString().replaceFirst("^https:", "http:") + "api/v1/gateways/a/b/config");
        assertThrows(IOException.class, () -> SeededGateway.HTTP.send(HttpRequest.newBuilder(cleartext)
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()));
        assertEquals("http", ready.getProtocol());
        // Ready says so only once the API port listens (health.ApiPortReadinessCheck), here over TLS.
        given().get(ready).then().statusCode(200)
                .body("checks.find { it.name == 'api-port' }.data.scheme", equalTo("https"));
    }
}
