package dev.tracegate.gateway.http;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import dev.tracegate.testsupport.CapturedLogs;
import dev.tracegate.gateway.proxy.ProxyRoute;
import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.RawHttp;
import dev.tracegate.gateway.testsupport.RawHttp2;
import dev.tracegate.gateway.testsupport.Scrape;
import dev.tracegate.gateway.testsupport.TempoStandIn;
import dev.tracegate.gateway.testsupport.TempoStandInResource;

/**
 * Every refusal the gateway answers itself is a JSON body with the right status, in HTTP form except on the gRPC route,
 * sent before anything reaches Tempo; and no request is left hanging, whatever it carries or whatever fails.
 */
@QuarkusTest
@QuarkusTestResource(KeycloakTestResource.class)
@QuarkusTestResource(TempoStandInResource.class)
class RefusalsTest {

    private static final Vertx VERTX = Vertx.vertx();
    /** HTTP/2 without upgrade ("prior knowledge"), as gRPC clients and some proxies speak it. */
    private static final io.vertx.core.http.HttpClient H2C = VERTX.createHttpClient(new HttpClientOptions()
            .setProtocolVersion(HttpVersion.HTTP_2).setHttp2ClearTextUpgrade(false));
    private static final String ECHO = "/api/traces/v1/team-a/tempo/api/echo";

    @TestHTTPResource("/")
    URL gateway;

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    private TempoStandIn tempo;

    @BeforeEach
    void freshTempo() {
        tempo = TempoStandInResource.fresh();
    }

    @AfterAll
    static void closeClient() {
        VERTX.close();
    }

    private static String token() {
        return KeycloakTestResource.accessToken(KeycloakTestResource.ALICE);
    }

    /** A whole authorized request, to hide in a body: it must never reach Tempo as a request of its own. */
    private static String hiddenRequest() {
        return "GET " + ECHO + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token() + "\r\n\r\n";
    }

    /** Control characters but TAB (RFC 9110 §5.5), CR and LF among them: HTTP/1.1 cannot carry them to Tempo. */
    @Test
    void http2HeaderValuesWithCrOrLfAre400BeforeAnythingGoesUpstream() throws Exception {
        for (String value : new String[] { "a\r\nX-Injected: 1", "a\r\n folded", "a\nb", "a\rb", "a\u0000b", "a\u000bb",
                "a\u000cb", "a\u0001b", "a\u001fb", "a\u007fb" }) {
            RawHttp2.Response answer = RawHttp2.get(gateway, ECHO, java.util.Map.of("authorization", "Bearer " + token(),
                    "x-evil", value));
            assertEquals(400, answer.status(), value);
            assertEquals("bad_request", new JsonObject(answer.body()).getString("error"), value);
        }
        assertEquals(0, tempo.requests().size(), () -> "Tempo saw " + tempo.requests());
        RawHttp2.Response clean = RawHttp2.get(gateway, ECHO, java.util.Map.of("authorization", "Bearer " + token(),
                "x-ok", "a\tb"));
        assertEquals(200, clean.status(), "a TAB is a legal header character");
        assertEquals("a\tb", tempo.lastRequest().header("x-ok"));
    }

    /**
     * HTTP/2's {@code :path} is a header value like any other: what HTTP/1.1's request line cannot carry (a space, CR,
     * LF, a control character) must not reach Tempo's request line, where it would start a request of its own.
     */
    @Test
    void http2PathsThatAnHttp1RequestLineCannotCarryNeverReachTempo() throws Exception {
        String smuggled = " HTTP/1.1\r\nHost: x\r\nX-Scope-OrgID: team-b-org\r\n\r\nGET /api/echo";
        for (String path : new String[] { ECHO + "?q=1" + smuggled, ECHO + smuggled, ECHO + "?q=a b", ECHO + "?q=a\u0000b",
                ECHO + "?q=a\tb", ECHO + "?q=a\u007fb" }) {
            RawHttp2.Response answer = RawHttp2.get(gateway, path, java.util.Map.of("authorization", "Bearer " + token()));
            assertTrue(answer.status() == 400 || answer.status() == -1, path + " answered " + answer.status());
        }
        assertEquals(0, tempo.requests().size(), () -> "Tempo saw " + tempo.requests());
    }

    /**
     * HTTP/1.1: Netty's parser refuses a header value with any control character but TAB (RFC 9110 §5.5) before any
     * route, with Vert.x' bare 400 (no JSON: it never reaches Quarkus) and the connection closed. RouterSafetyNet relies
     * on it; over HTTP/2 the safety net checks the same itself.
     */
    @Test
    void http1HeaderValuesWithControlCharactersAre400BeforeAnythingGoesUpstream() throws Exception {
        for (char c = 0; c <= 0x7f; c = c == 0x1f ? 0x7f : (char) (c + 1)) {
            if (c == '\t' || c == '\n' || c == '\r') {
                continue; // TAB is legal; a bare CR or LF ends the line (the continuation is no header), tested below
            }
            RawHttp.Response answer = RawHttp.get(gateway, ECHO, "Authorization: Bearer " + token(),
                    "X-Evil: a" + c + "b");
            assertEquals(400, answer.status(), String.format("0x%02x", (int) c));
        }
        RawHttp.Response injected = RawHttp.get(gateway, ECHO, "Authorization: Bearer " + token(),
                "X-Evil: a\rX-Scope-OrgID: team-b-org");
        assertEquals(400, injected.status(), "a bare CR in a header line");
        assertEquals(0, tempo.requests().size(), () -> "Tempo saw " + tempo.requests());
        RawHttp.Response clean = RawHttp.get(gateway, ECHO, "Authorization: Bearer " + token(), "X-Ok: a\tb \u00e9");
        assertEquals(200, clean.status(), "TAB, space and obs-text are legal header characters");
        assertEquals("a\tb \u00e9", tempo.lastRequest().header("x-ok"));
    }

    @Test
    void grpcFormOnlyOnTheGrpcRoute() throws Exception {
        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(url("/api/traces/v1/team-a/tempo/api/search"))).header("Content-Type", "application/grpc")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, answer.statusCode());
        assertEquals("application/json", answer.headers().firstValue("Content-Type").orElse(null));
        assertNull(answer.headers().firstValue("grpc-status").orElse(null));
        assertEquals("unauthorized", new JsonObject(answer.body()).getString("error"));
    }

    @Test
    void streamedUploadsOverTheLimitAre413NotUpstreamErrors() throws Exception {
        byte[] big = new byte[5 * 1024 * 1024]; // the test limit is 4M
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> chunked = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                    .send(HttpRequest.newBuilder(URI.create(url("/api/traces/v1/team-a/v1/traces")))
                            .header("Authorization", "Bearer " + token()).header("Content-Type", "application/x-protobuf")
                            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big))).build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(413, chunked.statusCode(), chunked.body());
            assertEquals("payload_too_large", new JsonObject(chunked.body()).getString("error"));
        }
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("authorization", "Bearer " + token())
                .add("content-type", "application/x-protobuf");
        Answer h2 = h2(HttpMethod.POST, "/api/traces/v1/team-a/v1/traces", headers, big);
        assertEquals(413, h2.status, h2.body);
    }

    /** Tempo's read API takes no body: one sent with a GET or HEAD is refused, however it is framed. */
    @Test
    void aBodyOnAReadIs400NotAnErrorOfTheGateway() throws Exception {
        String auth = "Authorization: Bearer " + token();
        RawHttp.Response chunked = RawHttp.chunked(gateway, "GET", ECHO, "{\"q\":1}", auth);
        assertEquals(400, chunked.status(), chunked.body());
        assertEquals("GET requests take no body", new JsonObject(chunked.body()).getString("message"));
        RawHttp.Response sized = RawHttp.exchange(gateway, "GET", ECHO, new String[] { auth }, new byte[] { 'a' });
        assertEquals(400, sized.status(), sized.body());
        assertEquals("bad_request", new JsonObject(sized.body()).getString("error"));
        MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("authorization", "Bearer " + token());
        Answer h2 = h2(HttpMethod.GET, ECHO, headers, new byte[] { 'a' });
        assertEquals(400, h2.status, h2.body);
        assertEquals(0, tempo.requests().size(), () -> "Tempo saw " + tempo.requests());

        RawHttp.Response empty = RawHttp.exchange(gateway, "GET", ECHO, new String[] { auth }, new byte[0]);
        assertEquals(200, empty.status(), "Content-Length: 0 is no body");
    }

    /**
     * A body framed by a coding the gateway does not frame by would otherwise be read as the next request on the
     * connection: here a complete, authorized request, which must not reach Tempo.
     */
    @Test
    void transferCodingsOtherThanChunkedAre501AndTheBodyIsNeverReadAsARequest() throws Exception {
        // A whole request hidden in the body: a proxy in front that framed the body otherwise would pass it on.
        String hidden = hiddenRequest();
        String chunk = Integer.toHexString(hidden.length()) + "\r\n" + hidden + "\r\n0\r\n\r\n";
        // Netty takes the first two for "no body" (the hidden request would be the next one), the last two for chunked.
        Map<String, String> bodies = Map.of("xchunked", hidden, "identity", hidden, "gzip, chunked", chunk,
                "chunked, chunked", chunk);
        double refusedBefore = answeredBeforeAnyRoute(501);
        for (String coding : bodies.keySet()) {
            String body = bodies.get(coding);
            String head = "POST /api/traces/v1/team-a/v1/traces HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token()
                    + "\r\nContent-Type: application/json\r\nTransfer-Encoding: " + coding + "\r\n\r\n";
            try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
                socket.setSoTimeout(20_000);
                socket.getOutputStream().write((head + body).getBytes(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().flush();
                InputStream in = socket.getInputStream();
                RawHttp.Response answer = RawHttp.readResponse(in);
                assertEquals(501, answer.status(), coding);
                assertEquals("close", answer.header("connection"), coding);
                assertEquals("not_implemented", new JsonObject(answer.body()).getString("error"), coding);
                assertEquals(-1, RawHttp.nextByteOrEnd(in), coding + ": nothing after the answer, the connection closed");
            }
        }
        assertEquals(0, tempo.requests().size(), "neither the push nor the request in its body reached Tempo");
        assertEquals(bodies.size(), answeredBeforeAnyRoute(501) - refusedBefore, "each 501 counted, as tenant unknown");
        // chunked itself, in any case, still works.
        RawHttp.Response chunked = RawHttp.send(gateway, "POST", "/api/traces/v1/team-a/v1/traces", new String[] {
                "Authorization: Bearer " + token(), "Content-Type: application/json" }, "Transfer-Encoding: Chunked",
                "2\r\n{}\r\n0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        assertEquals(200, chunked.status(), chunked.body());
    }

    /**
     * Framing two parties could read two ways (RFC 9112 §6.1, §6.3): {@code Transfer-Encoding} with a
     * {@code Content-Length}, or in an HTTP/1.0 request. A proxy in front that went by the other header would have
     * the request hidden in the body smuggled past it. Netty's parser refuses both before any route (its RFC 9112
     * mode, on by default), with Vert.x' bare 400 and the connection closed; the gateway relies on it, as this checks.
     */
    @Test
    void transferEncodingWithContentLengthOrInHttp10IsRefusedBeforeAnythingGoesUpstream() throws Exception {
        String hidden = hiddenRequest();
        String chunked = Integer.toHexString(hidden.length()) + "\r\n" + hidden + "\r\n0\r\n\r\n";
        Map<String, String> heads = Map.of(
                "HTTP/1.1 with both", "HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\n",
                "HTTP/1.1 with both, Content-Length first", "HTTP/1.1\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n",
                "HTTP/1.0 chunked", "HTTP/1.0\r\nTransfer-Encoding: chunked\r\n");
        for (Map.Entry<String, String> head : heads.entrySet()) {
            String request = "POST /api/traces/v1/team-a/v1/traces " + head.getValue() + "Host: x\r\nAuthorization: Bearer " + token()
                    + "\r\nContent-Type: application/json\r\n\r\n" + chunked;
            try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
                socket.setSoTimeout(20_000);
                socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().flush();
                InputStream in = socket.getInputStream();
                assertEquals(400, RawHttp.readResponse(in).status(), head.getKey());
                assertEquals(-1, RawHttp.nextByteOrEnd(in), head.getKey() + ": nothing after the answer, the connection closed");
            }
        }
        assertEquals(0, tempo.requests().size(), () -> "Tempo saw " + tempo.requests());
    }

    /**
     * A '%' not followed by two hex digits cannot be decoded: every route decodes the path, and the sign-in routes
     * their query (the gateway reads {@code redirect} and {@code error}, quarkus-oidc {@code code} and {@code state}),
     * where a bad escape would throw. Quarkus' URI check (java.net.URI, before any route) answers such a request with
     * a bare 400, over HTTP/1.1 and HTTP/2, logging nothing, and Vert.x drops the body it framed; the gateway relies on
     * that, as this checks. A link a browser was tricked into following ends there too.
     */
    @Test
    void aMalformedPercentEscapeIsRefusedBeforeAnyRouteAndLogsNothing() throws Exception {
        // A push whose body holds a whole authorized request: an unread body must not be read as the next request.
        String hidden = hiddenRequest();
        List<java.util.logging.LogRecord> logged;
        try (CapturedLogs logs = CapturedLogs.start()) {
            for (String target : new String[] { ECHO + "%zz", ECHO + "%", ECHO + "%4", "/%", ECHO + "?q=100%",
                    "/oidc/team-a/logout?redirect=%zz", "/oidc/team-a/error?error_description=100%",
                    "/oidc/team-a/login?redirect=%zz", "/oidc/team-a/callback?code=%x&state=1" }) {
                for (String method : new String[] { "GET", "POST" }) {
                    String body = method.equals("POST") ? hidden : "";
                    try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
                        socket.setSoTimeout(20_000);
                        socket.getOutputStream().write((method + " " + target + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token()
                                + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1));
                        assertEquals(400, RawHttp.readResponse(socket.getInputStream()).status(), method + " " + target);
                        socket.setSoTimeout(1_000);
                        assertNoAnswerFollows(socket.getInputStream(), method + " " + target);
                    }
                }
            }
            RawHttp2.Response http2 = RawHttp2.get(gateway, ECHO + "%zz", Map.of("authorization", "Bearer " + token()));
            assertTrue(http2.status() == 400 || http2.status() == -1, "HTTP/2 answered " + http2.status());
            logged = logs.records().stream().filter(r -> r.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()
                    || r.getThrown() != null).toList();
        }
        assertEquals(List.of(), logged.stream().map(CapturedLogs::text).toList(), "a client's bad escape is not the gateway's error");
        assertEquals(0, tempo.requests().size(), () -> "Tempo saw " + tempo.requests());
        // Well-formed escapes go on, also those that decode to bytes that are not UTF-8.
        assertEquals(200, RawHttp.get(gateway, ECHO + "?q=%C3%28", "Authorization: Bearer " + token()).status());
        assertEquals("q=%C3%28", tempo.lastRequest().query());
    }

    /** A path the gateway serves no route for is a JSON 404, counted in the request metric like the routes' answers. */
    @Test
    void aPathNoRouteServesIsAJson404AndCounted() throws Exception {
        double before = answeredBeforeAnyRoute(404);
        RawHttp.Response answer = RawHttp.send(gateway, "GET", "/wp-login.php", new String[0], null, new byte[0]);
        assertEquals(404, answer.status());
        assertEquals("not_found", new JsonObject(answer.body()).getString("error"));
        // Counted just after the answer is sent: the client may have it first.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(1, answeredBeforeAnyRoute(404) - before));
    }

    /** Nothing more comes on the connection within its read timeout: it is closed, or it waits for a request. */
    private static void assertNoAnswerFollows(InputStream in, String what) throws java.io.IOException {
        try {
            assertEquals(-1, RawHttp.nextByteOrEnd(in), what + ": an answer followed");
        } catch (java.net.SocketTimeoutException waitingForTheNextRequest) {
            // as it should
        }
    }

    /** Requests with the given status in tracegate_gateway_requests that no route looked at: no tenant, no route. */
    private double answeredBeforeAnyRoute(int status) {
        return Scrape.requests(metrics, "unknown", "none", status);
    }

    /**
     * Header names are HTTP tokens on Tempo's HTTP/1.1 side: an HTTP/2 name that is not a lowercase token (RFC 9113
     * §8.2.1) never gets there. The client's mistake is a 400 (or the stream reset by Netty's own checks), never a 500.
     */
    @Test
    void http2HeaderNamesThatAreNotTokensNeverReachTempo() throws Exception {
        double before = answeredBeforeAnyRoute(400);
        int refusedHere = 0;
        for (String name : new String[] { "x-evil\r\nx-scope-orgid", "x-evil: 1\r\nx-scope-orgid", "x evil", "x:evil",
                "x-evil\u0000", "X-Upper", "x-evil\u00e9", "x(evil)" }) {
            RawHttp2.Response answer = RawHttp2.get(gateway, ECHO, java.util.Map.of("authorization", "Bearer " + token(),
                    name, "team-b-org"));
            assertTrue(answer.status() == 400 || answer.status() == -1, name + " answered " + answer.status());
            if (answer.status() == 400) {
                assertEquals("bad_request", new JsonObject(answer.body()).getString("error"));
                refusedHere++;
            }
        }
        assertEquals(0, tempo.requests().size(), () -> "Tempo saw " + tempo.requests());
        int refused = refusedHere;
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertEquals(refused,
                answeredBeforeAnyRoute(400) - before, "each 400 is the safety net's"));
    }

    /**
     * A refused request without a body leaves nothing unread: its connection carries the client's next request (a
     * client, or an attacker, whose requests are refused pays no new connection for each).
     */
    @Test
    void aRefusedRequestWithoutABodyKeepsItsConnection() throws Exception {
        try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
            socket.setSoTimeout(20_000);
            InputStream in = socket.getInputStream();
            for (String authorization : new String[] { "Bearer not.a.token", "Bearer " + token() + "x" }) {
                socket.getOutputStream().write(("GET " + ECHO + " HTTP/1.1\r\nHost: x\r\nAuthorization: "
                        + authorization + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
                RawHttp.Response refused = RawHttp.readResponse(in);
                assertEquals(401, refused.status());
                assertEquals("unauthorized", new JsonObject(refused.body()).getString("error"));
                assertTrue(refused.header("www-authenticate").contains("error=\"invalid_token\""));
                assertNull(refused.header("connection"), "not told to close");
            }
            socket.getOutputStream().write(("GET " + ECHO + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + token() + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(200, RawHttp.readResponse(in).status(), "the next request on the same connection");
        }
        assertEquals(1, tempo.requests().size());
    }

    /**
     * A push refused before its body was read (an exporter whose token expired) keeps its connection when the body is
     * short: the body is read and dropped, and never taken for a request, though it holds one.
     */
    @Test
    void aRefusedPushWithAShortBodyKeepsItsConnection() throws Exception {
        String hidden = hiddenRequest();
        String body = hidden + "x".repeat(200 * 1024);
        try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
            socket.setSoTimeout(20_000);
            InputStream in = socket.getInputStream();
            socket.getOutputStream().write(("POST /api/traces/v1/team-a/v1/traces HTTP/1.1\r\nHost: x\r\nAuthorization: "
                    + "Bearer " + token() + "x\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                    + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            RawHttp.Response refused = RawHttp.readResponse(in);
            assertEquals(401, refused.status(), "answered before the body was sent");
            assertTrue(refused.header("www-authenticate").contains("error=\"invalid_token\""));
            assertNull(refused.header("connection"), "not told to close");
            socket.getOutputStream().write(body.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(("POST /api/traces/v1/team-a/v1/traces HTTP/1.1\r\nHost: x\r\nAuthorization: "
                    + "Bearer " + token() + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
                    .getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(200, RawHttp.readResponse(in).status(), "the next push on the same connection");
        }
        assertEquals(1, tempo.requests().size(), "neither the refused push nor the request in its body reached Tempo");
        assertEquals("{}", tempo.lastRequest().bodyAsString());
    }

    /** The short body of a refused push that never comes in full does not hold the connection. */
    @Test
    void aShortBodyThatNeverEndsAfterARefusalLosesItsConnection() throws Exception {
        try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write((forgedPushHead(1000) + "{").getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            assertEquals(401, RawHttp.readResponse(in).status());
            long sent = System.nanoTime();
            assertEquals(-1, RawHttp.nextByteOrEnd(in), "the gateway closes the connection");
            assertTrue(System.nanoTime() - sent < TimeUnit.SECONDS.toNanos(15), "closed before the idle timeout");
        }
        assertEquals(0, tempo.requests().size());
    }

    /**
     * The wait for a refused push's body counts between its pieces, not from the refusal: a body on a slow link that
     * takes longer than one wait in all, but never pauses that long, is dropped whole and the connection kept.
     */
    @Test
    void aShortBodyThatComesSlowlyAfterARefusalKeepsItsConnection() throws Exception {
        // Gaps of 2 s against a wait of 5 s leave a busy machine room; four of them take longer than one wait in all.
        int pieces = 4;
        String piece = "x".repeat(1000);
        long gapMillis = ErrorResponses.DISCARD_IDLE_MILLIS * 4 / 10;
        try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
            socket.setSoTimeout(20_000);
            InputStream in = socket.getInputStream();
            socket.getOutputStream().write(forgedPushHead(pieces * piece.length()).getBytes(StandardCharsets.ISO_8859_1));
            // Each gap counts from the last write, the head's for the first: reading the refusal takes from it.
            long lastWrite = System.nanoTime();
            RawHttp.Response refused = RawHttp.readResponse(in);
            assertEquals(401, refused.status());
            assertNull(refused.header("connection"), "not told to close");
            for (int i = 0; i < pieces; i++) {
                Thread.sleep(Math.max(0, gapMillis - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastWrite)));
                socket.getOutputStream().write(piece.getBytes(StandardCharsets.ISO_8859_1));
                lastWrite = System.nanoTime();
            }
            socket.getOutputStream().write(("POST /api/traces/v1/team-a/v1/traces HTTP/1.1\r\nHost: x\r\nAuthorization: "
                    + "Bearer " + token() + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}")
                    .getBytes(StandardCharsets.ISO_8859_1));
            assertEquals(200, RawHttp.readResponse(in).status(), "the next push on the same connection");
        }
        assertEquals(1, tempo.requests().size());
    }

    /**
     * A refused push's short body sent a few bytes at a time, each piece well within the wait between pieces, does not
     * hold the connection for longer than the wait for the whole body.
     */
    @Test
    void aShortBodyTrickledAfterARefusalLosesItsConnection() throws Exception {
        try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
            socket.setSoTimeout(1000);
            // The gateway's wait starts after the head is in: timed from before it is sent, never less than that wait.
            long started = System.nanoTime();
            socket.getOutputStream().write(forgedPushHead(4000).getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            assertEquals(401, readPatiently(in).status());
            trickleUntilClosed(socket, ErrorResponses.DISCARD_MAX_MILLIS + 15_000);
            long closedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            // Not cut by the wait between pieces (each comes well within it), but by the wait for the whole body.
            assertTrue(closedAfter >= ErrorResponses.DISCARD_MAX_MILLIS - 2000,
                    "held for the wait for the whole body, closed after " + closedAfter + " ms");
        }
        assertEquals(0, tempo.requests().size());
    }

    /**
     * Refusals decided on the request's head alone (no tenant of that name, no credentials, no route), and the
     * sign-in's answers to a request whose body nobody reads, bound that body as every other refusal does: a body
     * that never ends loses its connection soon after the answer, instead of holding it for as long as the client
     * sends.
     */
    @Test
    void aBodyThatNeverEndsAfterARefusalOnTheHeadAloneLosesItsConnection() throws Exception {
        String[][] refusals = {
                { "POST", "/api/traces/v1/nobody/v1/traces", "Authorization: Bearer forged\r\n", "404" },
                { "POST", "/api/traces/v1/team-a/v1/traces", "", "401" },
                { "POST", "/api/traces/v1/team-a/nothing", "", "404" }, { "POST", "/anything", "", "404" },
                // Answered by the sign-in's own code (the redirect to the issuer) and by quarkus-oidc (a callback
                // without a sign-in's state cookie: a new redirect to the issuer).
                { "GET", "/oidc/team-a/login", "", "302" }, { "GET", "/oidc/team-a/callback?code=x&state=y", "", "302" },
                // gRPC over HTTP/1.1, with no token and with a reader's: gRPC statuses in a 200 would read as success
                { "POST", ProxyRoute.OTLP_GRPC_EXPORT, "x-scope-orgid: team-a\r\n", "505" },
                { "POST", ProxyRoute.OTLP_GRPC_EXPORT, "x-scope-orgid: team-a\r\nAuthorization: Bearer "
                        + KeycloakTestResource.accessToken(KeycloakTestResource.ANNA) + "\r\n", "505" } };
        for (String[] refusal : refusals) {
            String request = refusal[0] + " " + refusal[1];
            try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
                socket.setSoTimeout(1000);
                socket.getOutputStream().write((request + " HTTP/1.1\r\nHost: x\r\n" + refusal[2]
                        + "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                RawHttp.Response answer = readPatiently(socket.getInputStream());
                assertEquals(Integer.parseInt(refusal[3]), answer.status(), request);
                assertEquals("close", answer.header("connection"), request);
                long closedAfter = trickleUntilClosed(socket, 15_000);
                assertTrue(closedAfter < 10_000, request + ": closed after " + closedAfter + " ms");
            }
        }
        assertEquals(0, tempo.requests().size());
    }

    /** The head of an OTLP push with a forged token (refused with 401 before its body is read). */
    private static String forgedPushHead(long contentLength) {
        return "POST /api/traces/v1/team-a/v1/traces HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer forged\r\n"
                + "Content-Type: application/json\r\nContent-Length: " + contentLength + "\r\n\r\n";
    }

    /** Reads an answer on a socket with a short read timeout, waiting up to 20 s for it in all. */
    private static RawHttp.Response readPatiently(InputStream in) throws Exception {
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                return RawHttp.readResponse(in);
            } catch (java.net.SocketTimeoutException e) {
                if (System.nanoTime() > giveUp) {
                    throw e;
                }
            }
        }
    }

    /**
     * Goes on sending a body, a piece every 200 ms (a chunk of one byte, which a body with a length takes as six bytes
     * of it), until the gateway closes the connection; fails after {@code limitMillis}.
     *
     * @return how long it took the gateway to close, in milliseconds
     */
    private static long trickleUntilClosed(Socket socket, long limitMillis) throws Exception {
        long started = System.nanoTime();
        InputStream in = socket.getInputStream();
        socket.setSoTimeout(200);
        while (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started) < limitMillis) {
            try {
                // "1\r\nx\r\n" is a chunk of one byte; sent in a body with a length, it is six bytes of the body.
                socket.getOutputStream().write("1\r\nx\r\n".getBytes(StandardCharsets.ISO_8859_1));
                if (in.read() == -1) {
                    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                }
            } catch (java.net.SocketTimeoutException e) {
                // Still open.
            } catch (java.io.IOException e) {
                return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            }
        }
        throw new AssertionError("the connection was still open after " + limitMillis + " ms");
    }

    /**
     * Told to close after a refusal that left its body unread (longer than the gateway drops, or chunked), a client
     * that does not is disconnected.
     */
    @Test
    void aClientThatIgnoresConnectionCloseAfterARefusalIsDisconnected() throws Exception {
        for (String framing : new String[] { "Content-Length: 300000", "Transfer-Encoding: chunked" }) {
            String head = "POST /api/traces/v1/team-a/v1/traces HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer forged"
                    + "\r\nContent-Type: application/json\r\n" + framing + "\r\n\r\n";
            try (Socket socket = new Socket(gateway.getHost(), gateway.getPort())) {
                socket.setSoTimeout(20_000);
                socket.getOutputStream().write((head + (framing.startsWith("Transfer") ? "1\r\n{\r\n" : "{"))
                        .getBytes(StandardCharsets.ISO_8859_1));
                socket.getOutputStream().flush();
                InputStream in = socket.getInputStream();
                RawHttp.Response answer = RawHttp.readResponse(in);
                assertEquals(401, answer.status(), framing);
                assertEquals("close", answer.header("connection"), framing);
                // The client neither closes nor sends the rest of its body.
                assertEquals(-1, RawHttp.nextByteOrEnd(in), framing + ": the gateway closes the connection");
            }
        }
        assertEquals(0, tempo.requests().size());
    }

    @Test
    void pathsOutsideTheGatewaysRoutesAreJson404() throws Exception {
        for (String target : new String[] { "/anything", "/api/traces/v1/../../x", "/api/traces/v1/team-a/../../../x",
                "/api/traces/v1/%2e%2e/%2e%2e/x", "/oidc", "/oidc/team-a", "/", "/q/metrics", "/test/../q/health" }) {
            for (String method : new String[] { "GET", "POST", "DELETE" }) {
                RawHttp.Response response = RawHttp.exchange(gateway, method, target, new String[0],
                        method.equals("POST") ? new byte[0] : null);
                assertEquals(404, response.status(), method + " " + target);
                assertEquals("application/json", response.header("content-type"), target);
                assertEquals("not_found", new JsonObject(response.body()).getString("error"), target);
            }
        }
        assertEquals(0, tempo.requests().size());
    }

    @Test
    void anExceptionInAHandlerEndsInJson500AndAUsableConnection() throws Exception {
        HttpClient keepAlive = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        for (String path : new String[] { "/test/throws", "/test/throws-later", "/test/throws", "/test/throws-later" }) {
            HttpResponse<String> answer = keepAlive.send(HttpRequest.newBuilder(URI.create(url(path)))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(500, answer.statusCode(), path);
            assertEquals("internal_error", new JsonObject(answer.body()).getString("error"));
            assertFalse(answer.body().contains("IllegalStateException") || answer.body().contains("bug"), answer.body());
        }
        // The same client, afterwards: the gateway still serves.
        assertEquals(200, keepAlive.send(HttpRequest.newBuilder(URI.create(url(ECHO)))
                .header("Authorization", "Bearer " + token()).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
        assertEquals(500, h2(HttpMethod.GET, "/test/throws-later", MultiMap.caseInsensitiveMultiMap(), null).status);
    }

    /** A body handler that fails on every piece: one 500 and one error logged, not one per piece of the body. */
    @Test
    void aBodyHandlerThatFailsOnEveryPieceIsLoggedOnce() throws Exception {
        List<java.util.logging.LogRecord> logged;
        try (CapturedLogs logs = CapturedLogs.start()) {
            Answer streaming = h2(HttpMethod.POST, "/test/throws-after-reading-some", MultiMap.caseInsensitiveMultiMap(),
                    new byte[100_000]);
            assertEquals(500, streaming.status);
            RawHttp.Response http1 = RawHttp.exchange(gateway, "POST", "/test/throws-after-reading-some", new String[0],
                    new byte[100_000]);
            assertEquals(500, http1.status());
            Thread.sleep(500); // pieces still in flight would fail now
            logged = logs.records().stream().filter(r -> CapturedLogs.text(r).contains("a bug while streaming")).toList();
        }
        assertEquals(2, logged.size(), () -> logged.stream().map(r -> r.getLoggerName() + ": " + r.getMessage()).toList().toString());
    }

    private record Answer(int status, String body) {
    }

    private Answer h2(HttpMethod method, String path, MultiMap headers, byte[] body) throws Exception {
        RequestOptions options = new RequestOptions().setMethod(method).setHost(gateway.getHost())
                .setPort(gateway.getPort()).setURI(path).setHeaders(headers);
        return H2C.request(options)
                .compose(request -> {
                    if (body == null) {
                        return request.send();
                    }
                    return request.send(Buffer.buffer(body));
                })
                .compose(response -> response.body().map(b -> new Answer(response.statusCode(), b.toString())))
                .recover(failure -> io.vertx.core.Future.succeededFuture(new Answer(-1, String.valueOf(failure))))
                .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    }

    private String url(String path) {
        return gateway.toString().replaceAll("/$", "") + path;
    }

}
