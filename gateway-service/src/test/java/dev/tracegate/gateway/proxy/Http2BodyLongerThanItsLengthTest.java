package dev.tracegate.gateway.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.RawHttp;
import dev.tracegate.gateway.testsupport.RawHttp2;
import dev.tracegate.gateway.testsupport.RecordedRequest;
import dev.tracegate.gateway.testsupport.TempoStandIn;
import dev.tracegate.gateway.testsupport.TempoStandInResource;

/**
 * HTTP/2 frames a body by DATA frames, HTTP/1.1 (Tempo's side) by Content-Length: a body longer than the length its
 * header declares must not reach Tempo, where the rest would be read as the next request on the pooled connection,
 * here one of another tenant.
 * <p>
 * One event loop with one pooled connection to Tempo (ClientLeavesTest's profile, whose application this shares):
 * a request sent after the attempt goes where a smuggled request would have gone, on that connection after it or
 * on a new one once it is closed, and the Tempo stand-in (one event loop) takes a connection's requests in order. So
 * once that request is recorded, whatever the attempt made Tempo read is recorded before it: no sleep to guess.
 */
@QuarkusTest
@TestProfile(ClientLeavesTest.OneConnectionToTempo.class)
@QuarkusTestResource(KeycloakTestResource.class)
@QuarkusTestResource(TempoStandInResource.class)
class Http2BodyLongerThanItsLengthTest {

    private static final String PUSH = "/api/traces/v1/team-a/v1/traces";

    @TestHTTPResource("/")
    URL gateway;

    private static String token() {
        return KeycloakTestResource.accessToken(KeycloakTestResource.ALICE);
    }

    @Test
    void anHttp2BodyLongerThanItsContentLengthNeverReachesTempo() throws Exception {
        TempoStandIn tempo = TempoStandInResource.fresh();
        RawHttp2.Response honest = RawHttp2.exchange(gateway, "POST", PUSH, Map.of("authorization", "Bearer " + token(),
                "content-type", "application/json", "content-length", "2"), "{}".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(200, honest.status(), "the same push with a true length goes through");
        tempo.clear();

        String hidden = "POST /v1/traces HTTP/1.1\r\nHost: x\r\nX-Scope-OrgID: team-b-org\r\nContent-Length: 2\r\n\r\n{}";
        byte[] body = ("{}" + hidden).getBytes(StandardCharsets.ISO_8859_1);
        RawHttp2.Response answer = RawHttp2.exchange(gateway, "POST", PUSH, Map.of("authorization", "Bearer " + token(),
                "content-type", "application/json", "content-length", "2"), body);
        assertFalse(answer.status() >= 200 && answer.status() < 300, "answered " + answer.status());
        // The sentinel: it needs the one pooled connection, so Tempo has read all the attempt sent before it.
        assertEquals(200, RawHttp.get(gateway, "/api/traces/v1/team-a/tempo/api/echo", "Authorization: Bearer " + token())
                .status(), "a request after the attempt");
        List<RecordedRequest> seen = tempo.requests();
        assertEquals("/api/echo", seen.get(seen.size() - 1).path(), () -> "the sentinel comes last: " + seen);
        for (RecordedRequest request : seen) {
            assertEquals("team-a-org", request.header("X-Scope-OrgID"), () -> "a request of another tenant: " + seen);
            assertFalse(new String(request.body(), StandardCharsets.ISO_8859_1).contains("team-b-org"));
        }
        // And shorter than declared: no request with a body cut short either.
        RawHttp2.Response shorter = RawHttp2.exchange(gateway, "POST", PUSH, Map.of("authorization", "Bearer " + token(),
                "content-type", "application/json", "content-length", "100"), "{}".getBytes(StandardCharsets.ISO_8859_1));
        assertFalse(shorter.status() >= 200 && shorter.status() < 300, "answered " + shorter.status());
    }
}
