package dev.tracegate.gateway.tenant;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.tracegate.gateway.testsupport.ProvisionerStandIn;
import dev.tracegate.gateway.testsupport.ProvisionerStandIn.Poll;

/**
 * Tenants from the provisioner: the first request asks for the document at once; once the gateway holds one, it
 * long-polls with {@code If-None-Match} and its {@code tracegate.tenants.provisioner.wait} in whole milliseconds, which
 * every provisioner reads (a wait under a second is no longer rounded down to {@code 0s}, nor a 1.5 s one to 1 s).
 */
@QuarkusTest
@TestProfile(ProvisionerLongPollTest.FromTheProvisioner.class)
@QuarkusTestResource(value = ProvisionerStandIn.class, restrictToAnnotatedClass = true)
class ProvisionerLongPollTest {

    public static class FromTheProvisioner implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // An empty value unsets the tenants file of application.properties: one source of tenants only.
            return Map.of("tracegate.tenants.file", "", "tracegate.tenants.provisioner.wait", "1500ms");
        }
    }

    @Test
    void theGatewayLongPollsWithItsWaitInMilliseconds() {
        await().atMost(Duration.ofSeconds(20)).until(() -> ProvisionerStandIn.polls().size() >= 3);
        List<Poll> polls = ProvisionerStandIn.polls();
        assertEquals(new Poll(null, null, true), polls.get(0), "the first document is asked for at once");
        assertEquals(new Poll("1500ms", ProvisionerStandIn.ETAG, true), polls.get(1));
        assertEquals(new Poll("1500ms", ProvisionerStandIn.ETAG, true), polls.get(2), "after a 304, the same long poll");
        // The document is in force: its tenant asks for a token, where an unknown one would be 404.
        given().when().get("/api/traces/v1/team-a/tempo/api/echo")
                .then().statusCode(401).header("WWW-Authenticate", equalTo("Bearer realm=\"team-a\""));
    }
}
