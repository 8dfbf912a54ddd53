package dev.tracegate.gateway.config;

import static dev.tracegate.gateway.testsupport.KeycloakTestResource.ALICE;
import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.TempoStandInResource;

/**
 * A tenants document is not a setting that stops the start: a gateway whose file is bad when it starts runs, is not
 * ready and says why, answers the API with a JSON 503, and serves once the file is mended, without a restart.
 */
@QuarkusTest
@TestProfile(BadTenantsFileAtStartTest.BadFile.class)
@QuarkusTestResource(KeycloakTestResource.class)
@QuarkusTestResource(TempoStandInResource.class)
class BadTenantsFileAtStartTest {

    static final Path FILE = Path.of("target", "bad-at-start-test", "tenants.yaml");

    /** The test tenants with an issuer that is no URL: the validator refuses the whole document. */
    static String badDocument() {
        return TenantsReloadTest.resource("test-tenants.yaml").replace("${keycloak.url}/realms/team-a", "keycloak/realms/team-a");
    }

    public static class BadFile implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            TenantsReloadTest.write(FILE, badDocument());
            return Map.of("tracegate.tenants.file", FILE.toString(), "tracegate.tenants.file-check-interval", "200ms");
        }
    }

    @TestHTTPResource(value = "/health/ready", management = true)
    URL ready;

    @Test
    void aGatewayStartedWithABadFileWaitsNotReadyAndServesOnceItIsMended() {
        given().get(ready).then().statusCode(503)
                .body("checks.find { it.name == 'tenants' }.status", equalTo("DOWN"))
                .body("checks.find { it.name == 'tenants' }.data.reason", equalTo("no valid tenants document loaded yet"));
        String alice = KeycloakTestResource.accessToken(ALICE);
        given().auth().oauth2(alice).get("/api/traces/v1/team-a/tempo/api/echo")
                .then().statusCode(503).body("error", equalTo("not_ready"));

        TenantsReloadTest.write(FILE, TenantsReloadTest.resource("test-tenants.yaml"));

        await().atMost(Duration.ofSeconds(10)).until(() -> given().get(ready).statusCode() == 200);
        given().auth().oauth2(alice).get("/api/traces/v1/team-a/tempo/api/echo").then().statusCode(200);
    }
}
