package dev.tracegate.gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.RawHttp;
import dev.tracegate.gateway.testsupport.TempoStandIn;
import dev.tracegate.gateway.testsupport.TempoStandInResource;

/**
 * {@code Expect: 100-continue} (RFC 9110 §10.1.1), as curl sends it for larger bodies: the 100 comes once the request
 * passed every check and Tempo took the request, so a refused push is answered before its body is sent, and its connection is closed (the body
 * may still come, and cannot be told from a next request). Raw sockets: the client sends the head alone and reads the
 * first answer, as a client waiting for the 100 does.
 */
@QuarkusTest
@QuarkusTestResource(KeycloakTestResource.class)
@QuarkusTestResource(TempoStandInResource.class)
class ExpectContinueTest {

    private static final String PUSH = "/api/traces/v1/team-a/v1/traces";
    private static final byte[] SPANS = "{\"resourceSpans\":[]}".getBytes(StandardCharsets.UTF_8);

    @TestHTTPResource("/")
    URL gateway;

    private TempoStandIn tempo;

    @BeforeEach
    void freshTempo() {
        tempo = TempoStandInResource.fresh();
    }

    private static String bearer(String user) {
        return "Authorization: Bearer " + KeycloakTestResource.accessToken(user);
    }

    @Test
    void anAllowedPushGetsTheContinueThenItsAnswer() throws Exception {
        try (Socket socket = connect()) {
            sendHead(socket, "POST", PUSH, SPANS.length, bearer(KeycloakTestResource.ALICE),
                    "Content-Type: application/json");
            InputStream in = socket.getInputStream();
            assertEquals(100, RawHttp.readResponse(in).status());
            socket.getOutputStream().write(SPANS);
            RawHttp.Response answer = RawHttp.readResponse(in);
            assertEquals(200, answer.status(), answer.body());
            assertTrue(answer.header("connection") == null || !answer.header("connection").contains("close"),
                    "the connection stays open for the next request");
        }
        assertTrue(Arrays.equals(SPANS, tempo.lastRequest().body()), "Tempo got the body sent after the 100");
    }

    @Test
    void aPushRefusedForItsCredentialsIsAnsweredBeforeItsBodyIsSent() throws Exception {
        assertRefusedBeforeTheBody(401, "unauthorized", PUSH, SPANS.length, "Content-Type: application/json");
        assertRefusedBeforeTheBody(401, "unauthorized", PUSH, SPANS.length, "Authorization: Bearer not-a-token");
        // anna may read team-a, not write it.
        assertRefusedBeforeTheBody(403, "forbidden", PUSH, SPANS.length, bearer(KeycloakTestResource.ANNA));
        assertEquals(0, tempo.requests().size());
    }

    @Test
    void aPushRefusedForItsTenantPathOrSizeIsAnsweredBeforeItsBodyIsSent() throws Exception {
        String alice = bearer(KeycloakTestResource.ALICE);
        assertRefusedBeforeTheBody(404, "not_found", "/api/traces/v1/team-z/v1/traces", SPANS.length, alice);
        assertRefusedBeforeTheBody(404, "not_found", "/api/traces/v1/team-a/v2/traces", SPANS.length, alice);
        assertRefusedBeforeTheBody(404, "not_found", "/upload", SPANS.length, alice);
        // tracegate.limits.max-body-size is 4M in the tests.
        assertRefusedBeforeTheBody(413, "payload_too_large", PUSH, 5 * 1024 * 1024, alice);
        assertEquals(0, tempo.requests().size());
    }

    @Test
    void theSignOutFormGetsTheContinue() throws Exception {
        String origin = "http://" + gateway.getHost() + ":" + gateway.getPort();
        byte[] form = "redirect=%2F".getBytes(StandardCharsets.US_ASCII);
        try (Socket socket = connect()) {
            sendHead(socket, "POST", "/oidc/team-a/logout", form.length, "Origin: " + origin,
                    "Content-Type: application/x-www-form-urlencoded");
            InputStream in = socket.getInputStream();
            assertEquals(100, RawHttp.readResponse(in).status());
            socket.getOutputStream().write(form);
            assertEquals(303, RawHttp.readResponse(in).status());
        }
    }

    /** The first answer to the head is the refusal, not a 100; the connection closes after it. */
    private void assertRefusedBeforeTheBody(int status, String error, String target, int length, String... headerLines)
            throws IOException {
        try (Socket socket = connect()) {
            sendHead(socket, "POST", target, length, headerLines);
            InputStream in = socket.getInputStream();
            RawHttp.Response answer = RawHttp.readResponse(in);
            assertEquals(status, answer.status(), target + ": " + answer.body());
            assertEquals(error, new JsonObject(answer.body()).getString("error"), target);
            assertEquals("close", answer.header("connection"), target);
            assertEquals(-1, RawHttp.nextByteOrEnd(in), target + ": nothing after the answer, the connection closed");
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(gateway.getHost(), gateway.getPort());
        socket.setSoTimeout(20_000);
        return socket;
    }

    /** A head that announces a body of {@code length} bytes and waits for the 100 before sending it. */
    private void sendHead(Socket socket, String method, String target, int length, String... headerLines)
            throws IOException {
        StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\n")
                .append("Host: ").append(gateway.getHost()).append(':').append(gateway.getPort()).append("\r\n");
        for (String line : headerLines) {
            head.append(line).append("\r\n");
        }
        head.append("Content-Length: ").append(length).append("\r\nExpect: 100-continue\r\n\r\n");
        OutputStream out = socket.getOutputStream();
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }
}
