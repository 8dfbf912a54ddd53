package dev.tracegate.gateway.tenant;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.tracegate.gateway.testsupport.ProvisionerStandIn;
import dev.tracegate.gateway.testsupport.Scrape;

/**
 * An HTTPS provisioner whose certificate the {@code ca-file} does not vouch for (a server posing as the provisioner):
 * the gateway refuses the TLS handshake, so its service-account token never reaches that server, takes no tenants
 * from it, stays unready, and counts the failed fetches. Once the file holds the server's CA (as when cert-manager
 * renews the CA and the kubelet updates the mounted Secret), the running gateway reads it again and takes its tenants.
 */
@QuarkusTest
@TestProfile(ProvisionerImpostorTest.QuickRetries.class)
@QuarkusTestResource(value = ProvisionerStandIn.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "tls", value = "true"), @ResourceArg(name = "trusted", value = "impostor") })
class ProvisionerImpostorTest {

    public static class QuickRetries implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tracegate.tenants.file", "", "tracegate.tenants.provisioner.retry-interval", "200ms",
                    "tracegate.tenants.provisioner.max-retry-interval", "400ms");
        }
    }

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @TestHTTPResource(value = "/health/ready", management = true)
    URL ready;

    /** Waits for three failed fetches; none reached the stand-in, and the gateway, holding no tenants, answers 503. */
    static void awaitRefusedHandshakes(URL metrics) {
        await().atMost(Duration.ofSeconds(20)).until(() -> Scrape.sum(metrics,
                s -> s.equals("tracegate_gateway_provisioner_fetches_total{status=\"error\"}")) >= 3);
        assertEquals(List.of(), ProvisionerStandIn.polls(), "no request got through the handshake");
        given().when().get("/api/traces/v1/team-a/tempo/api/echo").then().statusCode(503);
    }

    @Test
    void aProvisionerWithAnUntrustedCertificateGetsNoTokenUntilTheCaFileVouchesForIt() throws Exception {
        awaitRefusedHandshakes(metrics);
        given().get(ready).then().statusCode(503).body("checks.find { it.name == 'tenants' }.status", equalTo("DOWN"));

        Files.copy(ProvisionerStandIn.serverCertificate(), Path.of(ConfigProvider.getConfig()
                .getValue("tracegate.tenants.provisioner.ca-file", String.class)), StandardCopyOption.REPLACE_EXISTING);
        await().atMost(Duration.ofSeconds(20)).until(() -> !ProvisionerStandIn.polls().isEmpty());
        assertTrue(ProvisionerStandIn.polls().get(0).withToken());
        await().atMost(Duration.ofSeconds(20)).until(() -> given().get(ready).statusCode() == 200);
        given().when().get("/api/traces/v1/team-a/tempo/api/echo")
                .then().statusCode(401).header("WWW-Authenticate", equalTo("Bearer realm=\"team-a\""));
    }
}
