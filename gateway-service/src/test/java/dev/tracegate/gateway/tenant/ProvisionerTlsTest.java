package dev.tracegate.gateway.tenant;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.tracegate.gateway.testsupport.ProvisionerStandIn;
import dev.tracegate.gateway.testsupport.ProvisionerStandIn.Poll;

/**
 * Tenants from a provisioner that speaks HTTPS (kubernetes/components/provisioner-tls): the gateway trusts the CA of
 * {@code tracegate.tenants.provisioner.ca-file}, checks the host name, and gets its tenants as over HTTP.
 */
@QuarkusTest
@TestProfile(ProvisionerTlsTest.OverHttps.class)
@QuarkusTestResource(value = ProvisionerStandIn.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "tls", value = "true"))
class ProvisionerTlsTest {

    public static class OverHttps implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tracegate.tenants.file", "", "tracegate.tenants.provisioner.wait", "500ms");
        }
    }

    @Test
    void theGatewayTakesItsTenantsFromAProvisionerItsCaFileTrusts() {
        await().atMost(Duration.ofSeconds(20)).until(() -> ProvisionerStandIn.polls().size() >= 2);
        assertEquals(new Poll(null, null, true), ProvisionerStandIn.polls().get(0));
        assertTrue(ProvisionerStandIn.polls().get(1).withToken(), "the long poll carries the token too");
        given().when().get("/api/traces/v1/team-a/tempo/api/echo")
                .then().statusCode(401).header("WWW-Authenticate", equalTo("Bearer realm=\"team-a\""));
    }
}
