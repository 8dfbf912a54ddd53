package dev.tracegate.gateway.tenant;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;

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
 * An HTTPS provisioner whose certificate the {@code ca-file} vouches for, but made out to another host than the
 * provisioner URL's: the gateway verifies the host name, so it refuses the handshake and sends no token.
 */
@QuarkusTest
@TestProfile(ProvisionerWrongHostTest.WrongHost.class)
@QuarkusTestResource(value = ProvisionerStandIn.class, restrictToAnnotatedClass = true, initArgs = {
        @ResourceArg(name = "tls", value = "true"), @ResourceArg(name = "certificate-name", value = "dns:elsewhere.example") })
class ProvisionerWrongHostTest {

    public static class WrongHost implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tracegate.tenants.file", "", "tracegate.tenants.provisioner.retry-interval", "200ms",
                    "tracegate.tenants.provisioner.max-retry-interval", "400ms");
        }
    }

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Test
    void aCertificateForAnotherHostIsRefused() {
        await().atMost(Duration.ofSeconds(20)).until(() -> Scrape.sum(metrics,
                s -> s.equals("tracegate_gateway_provisioner_fetches_total{status=\"error\"}")) >= 3);
        assertEquals(List.of(), ProvisionerStandIn.polls(), "no request got through the handshake");
        given().when().get("/api/traces/v1/team-a/tempo/api/echo").then().statusCode(503);
    }
}
