package dev.tracegate.gateway.proxy;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;

import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.TempoStandInResource;

/** When Tempo is down or slow, clients get 502 or 504 with a JSON body, never a hang or a stack trace. */
@QuarkusTest
@TestProfile(UpstreamFailureTest.ShortTimeoutNoDistributor.class)
@QuarkusTestResource(KeycloakTestResource.class)
@QuarkusTestResource(TempoStandInResource.class)
class UpstreamFailureTest {

    /** A one-second upstream timeout, and a distributor address where nothing listens. */
    public static class ShortTimeoutNoDistributor implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tracegate.upstream.timeout", "1s",
                    "tracegate.upstream.distributor", "http://127.0.0.1:" + closedPort());
        }
    }

    @AfterEach
    void calmTempo() {
        TempoStandInResource.tempo().reset();
    }

    @Test
    void tempoThatNeverAnswersIs504() {
        TempoStandInResource.tempo().hang();
        given().auth().oauth2(KeycloakTestResource.accessToken(KeycloakTestResource.ALICE))
                .when().get("/api/traces/v1/team-a/tempo/api/search")
                .then().statusCode(504).contentType(ContentType.JSON)
                .body("error", equalTo("upstream_timeout"))
                .body("message", equalTo("Tempo query-frontend did not answer in time"));
    }

    @Test
    void distributorRefusingConnectionsIs502() {
        given().auth().oauth2(KeycloakTestResource.accessToken(KeycloakTestResource.ALICE))
                .contentType("application/x-protobuf").body(new byte[] { 1, 2, 3 })
                .when().post("/api/traces/v1/team-a/v1/traces")
                .then().statusCode(502).contentType(ContentType.JSON)
                .body("error", equalTo("upstream_unavailable"))
                .body("message", equalTo("Tempo distributor could not be reached"));
    }

    private static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
