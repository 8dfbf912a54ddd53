package dev.tracegate.gateway.testsupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

/** The Tempo stand-in seen from a plain java.net.http client. */
class TempoStandInTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static TempoStandIn tempo;
    private static HttpClient client;

    @BeforeAll
    static void start() {
        tempo = TempoStandIn.start();
        client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    @AfterAll
    static void stop() {
        tempo.close();
    }

    @BeforeEach
    void reset() {
        tempo.reset();
    }

    @Test
    void listensOnLoopback() {
        assertTrue(tempo.port() > 0);
        assertEquals("http://127.0.0.1:" + tempo.port(), tempo.url());
    }

    @Test
    void defaultQueryAnswerAndRecording() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/search?q=%7B%20%7D&limit=20"))
                .header("X-Scope-OrgID", "team-a")
                .header("x-custom", "one")
                .header("X-Custom", "two"));
        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("content-type").orElse(null));
        @SuppressWarnings("unchecked")
        Map<String, Object> json = JSON.readValue(response.body(), Map.class);
        assertEquals("/api/search", json.get("path"));
        assertEquals("team-a", json.get("orgId"));
        assertEquals("GET", json.get("method"));
        assertEquals("q=%7B%20%7D&limit=20", json.get("query"));

        RecordedRequest r = tempo.lastRequest();
        assertEquals("GET", r.method());
        assertEquals("/api/search", r.path());
        assertEquals("q=%7B%20%7D&limit=20", r.query());
        assertEquals("/api/search?q=%7B%20%7D&limit=20", r.uri());
        assertEquals("team-a", r.orgId());
        assertEquals("team-a", r.header("x-scope-orgid"));
        assertEquals(List.of("one", "two"), r.headerValues("X-CUSTOM"));
        assertTrue(r.hasHeader("host"));
        assertFalse(r.hasHeader("Authorization"));
        assertEquals(0, r.bodyLength());
        assertTrue(r.remoteAddress().startsWith("127.0.0.1:"), r.remoteAddress());
        assertEquals(1, tempo.requests().size());
    }

    @Test
    void everyPathAnswersWithItsPath() throws Exception {
        for (String path : List.of("/api/traces/0af7651916cd43dd8448eb211c80319c", "/api/v2/search/tags",
                "/api/v2/search/tag/service.name/values", "/api/echo", "/api/status/buildinfo")) {
            HttpResponse<String> response = send(HttpRequest.newBuilder(uri(path)).header("X-Scope-OrgID", "t"));
            assertEquals(200, response.statusCode(), path);
            assertEquals(path, JSON.readTree(response.body()).get("path").asText());
            assertNull(tempo.lastRequest().query());
        }
        assertEquals(5, tempo.requests().size());
        HttpResponse<String> head = send(HttpRequest.newBuilder(uri("/api/echo")).header("X-Scope-OrgID", "t")
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertEquals(200, head.statusCode());
        assertEquals("", head.body());
        assertEquals("HEAD", tempo.lastRequest().method());
    }

    @Test
    void withoutOrgIdLikeMultiTenantTempo() throws Exception {
        HttpResponse<String> query = send(HttpRequest.newBuilder(uri("/api/traces/abc")));
        assertEquals(401, query.statusCode());
        assertEquals("no org id", query.body());

        HttpResponse<String> push = send(HttpRequest.newBuilder(uri("/v1/traces"))
                .header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.ofByteArray(new byte[] { 10, 0 })));
        assertEquals(503, push.statusCode());
        assertEquals("no org id", push.body());

        assertEquals(200, send(HttpRequest.newBuilder(uri("/ready"))).statusCode());
        assertEquals(3, tempo.requests().size());
    }

    @Test
    void otlpPushIsRecordedByteForByte() throws Exception {
        byte[] protobuf = TempoStandIn.content(7, 300_000); // any bytes
        HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(uri("/v1/traces"))
                .header("Content-Type", "application/x-protobuf")
                .header("X-Scope-OrgID", "team-b")
                .POST(HttpRequest.BodyPublishers.ofByteArray(protobuf)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, response.statusCode());
        assertEquals(0, response.body().length);
        assertEquals("application/x-protobuf", response.headers().firstValue("Content-Type").orElse(null));
        RecordedRequest r = tempo.lastRequest();
        assertEquals("POST", r.method());
        assertEquals("/v1/traces", r.path());
        assertEquals("team-b", r.orgId());
        assertArrayEquals(protobuf, r.body());

        // gzip stays compressed
        byte[] json = "{\"resourceSpans\":[]}".getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream gz = new java.io.ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(json);
        }
        HttpResponse<String> jsonResponse = send(HttpRequest.newBuilder(uri("/v1/traces"))
                .header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip")
                .header("X-Scope-OrgID", "team-b")
                .POST(HttpRequest.BodyPublishers.ofByteArray(gz.toByteArray())));
        assertEquals(200, jsonResponse.statusCode());
        assertEquals("{}", jsonResponse.body());
        assertArrayEquals(gz.toByteArray(), tempo.lastRequest().body());
        assertEquals("gzip", tempo.lastRequest().header("content-encoding"));
    }

    @Test
    void respondWith() throws Exception {
        tempo.respondWith(404, "text/plain", "trace not found");
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/api/traces/1")).header("X-Scope-OrgID", "t"));
        assertEquals(404, response.statusCode());
        assertEquals("trace not found", response.body());
        assertEquals("text/plain", response.headers().firstValue("content-type").orElse(null));
        // without an org id too: a fixed answer is fixed
        assertEquals(404, send(HttpRequest.newBuilder(uri("/api/echo"))).statusCode());

        tempo.respondWith(500, Map.of("X-Upstream", "yes"), new byte[] { 1, 2, 3 });
        HttpResponse<byte[]> bytes = client.send(HttpRequest.newBuilder(uri("/x")).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(500, bytes.statusCode());
        assertArrayEquals(new byte[] { 1, 2, 3 }, bytes.body());
        assertEquals("yes", bytes.headers().firstValue("x-upstream").orElse(null));

        tempo.reset();
        assertEquals(200, send(HttpRequest.newBuilder(uri("/api/echo")).header("X-Scope-OrgID", "t")).statusCode());
        assertEquals(1, tempo.requests().size(), "reset forgets the earlier requests");
    }

    @Test
    void hang() throws Exception {
        tempo.hang();
        HttpTimeoutException timeout = null;
        CompletableFuture<HttpResponse<String>> pending = client.sendAsync(HttpRequest.newBuilder(uri("/api/search"))
                .header("X-Scope-OrgID", "t").timeout(Duration.ofSeconds(2)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals("/api/search", tempo.awaitRequests(1).get(0).path());
        ExecutionException e = assertThrows(ExecutionException.class, () -> pending.get(30, TimeUnit.SECONDS));
        if (e.getCause() instanceof HttpTimeoutException) {
            timeout = (HttpTimeoutException) e.getCause();
        }
        assertTrue(timeout != null, "no answer, the client times out: " + e.getCause());

        // a hanging request's connection is closed by reset (a POST: the client would retry a GET)
        CompletableFuture<HttpResponse<String>> second = client.sendAsync(HttpRequest.newBuilder(uri("/v1/traces"))
                .header("X-Scope-OrgID", "t").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        tempo.awaitRequests(2);
        tempo.reset();
        ExecutionException closed = assertThrows(ExecutionException.class, () -> second.get(30, TimeUnit.SECONDS));
        assertTrue(closed.getCause() instanceof IOException, String.valueOf(closed.getCause()));
    }

    @Test
    void closeConnection() throws Exception {
        tempo.closeConnection();
        // a POST: java.net.http retries an idempotent GET once on a dropped connection
        IOException e = assertThrows(IOException.class, () -> send(HttpRequest.newBuilder(uri("/v1/traces"))
                .header("X-Scope-OrgID", "t").POST(HttpRequest.BodyPublishers.ofString("x"))));
        assertFalse(e instanceof HttpTimeoutException, e.toString());
        assertEquals(1, tempo.requests().size(), "recorded before the connection was dropped");
        assertEquals("x", tempo.lastRequest().bodyAsString());
    }

    @Test
    void slowResponse() throws Exception {
        tempo.slowResponse(Duration.ofMillis(300)).respondWith(202, "text/plain", "late");
        // a client timeout below the delay gives up; no timing assertion beyond that ordering
        assertThrows(HttpTimeoutException.class, () -> send(HttpRequest.newBuilder(uri("/a"))
                .timeout(Duration.ofMillis(50))));
        tempo.slowResponse(Duration.ofMillis(100));
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("/a")).timeout(Duration.ofSeconds(30)));
        assertEquals(202, response.statusCode());
        assertEquals("late", response.body());
    }

    @Test
    void streamLargeBodyWithContentLength() throws Exception {
        long size = 20L * 1024 * 1024 + 123; // not a multiple of the chunk size
        tempo.streamLargeBody(size);
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(uri("/api/traces/big"))
                .header("X-Scope-OrgID", "t").build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertEquals(Long.toString(size), response.headers().firstValue("content-length").orElse(null));
        try (InputStream in = response.body()) {
            assertEquals(size, TempoStandIn.verifyContent(in));
        }
        assertEquals(size, tempo.streamProgress().done().get(30, TimeUnit.SECONDS));
        assertTrue(tempo.streamProgress().ended());
        assertEquals(size, tempo.bytesWritten());
    }

    @Test
    void streamLargeBodyChunked() throws Exception {
        long size = 3L * TempoStandIn.CHUNK_SIZE + 5;
        tempo.streamLargeBody(size, true);
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(uri("/api/traces/big")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertTrue(response.headers().firstValue("content-length").isEmpty());
        assertEquals("chunked", response.headers().firstValue("transfer-encoding").orElse(null));
        try (InputStream in = response.body()) {
            assertEquals(size, TempoStandIn.verifyContent(in));
        }
    }

    @Test
    void streamPausesUntilResumed() throws Exception {
        long size = 8L * 1024 * 1024;
        long pauseAfter = 1024 * 1024 + 10;
        CompletableFuture<Void> resume = new CompletableFuture<>();
        tempo.streamLargeBody(size, pauseAfter, resume);
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(uri("/api/traces/big")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        assertEquals(pauseAfter, tempo.streamProgress().paused().get(30, TimeUnit.SECONDS));
        try (InputStream in = response.body()) {
            // the client gets exactly what was written before the pause, then waits
            byte[] first = in.readNBytes((int) pauseAfter);
            assertArrayEquals(TempoStandIn.content(0, (int) pauseAfter), first);
            assertEquals(pauseAfter, tempo.bytesWritten());
            assertFalse(tempo.streamProgress().done().isDone());
            resume.complete(null);
            long rest = TempoStandIn.verifyContentFrom(in, pauseAfter);
            assertEquals(size - pauseAfter, rest);
        }
        assertEquals(size, tempo.streamProgress().done().get(30, TimeUnit.SECONDS));
    }

    @Test
    void streamFollowsBackPressure() throws Exception {
        long size = 64L * 1024 * 1024;
        tempo.streamLargeBody(size);
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(uri("/api/traces/big")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            byte[] first = in.readNBytes(64 * 1024);
            assertArrayEquals(TempoStandIn.content(0, first.length), first);
            // the client stops reading: the writer must stop well before the end (socket buffers and the
            // client's own buffering hold a few MiB at most); wait until the writer stalls
            long before;
            long now = tempo.bytesWritten();
            do {
                before = now;
                Thread.sleep(200);
                now = tempo.bytesWritten();
            } while (now != before);
            assertTrue(now < size / 2, "wrote " + now + " of " + size + " bytes to a client that reads nothing");
            assertFalse(tempo.streamProgress().done().isDone());
            assertEquals(size - first.length, TempoStandIn.verifyContentFrom(in, first.length));
        }
        assertEquals(size, tempo.streamProgress().done().get(30, TimeUnit.SECONDS));
    }

    @Test
    void streamStopsWhenTheClientGoesAway() throws Exception {
        long size = 256L * 1024 * 1024;
        tempo.streamLargeBody(size);
        HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(uri("/api/traces/big")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = response.body()) {
            in.readNBytes(128 * 1024);
        } // closing before the end aborts the exchange
        long written = tempo.streamProgress().done().get(30, TimeUnit.SECONDS);
        assertTrue(written < size, "written " + written);
        assertFalse(tempo.streamProgress().ended());
    }

    @Test
    void verifyContentFindsAWrongByte() {
        byte[] good = TempoStandIn.content(0, 1000);
        assertEquals(1000, TempoStandIn.verifyContent(new ByteArrayInputStream(good)));
        good[777]++;
        AssertionError e = assertThrows(AssertionError.class,
                () -> TempoStandIn.verifyContent(new ByteArrayInputStream(good)));
        assertTrue(e.getMessage().contains("777"), e.getMessage());
        // a chunk repeated or skipped shows too: the content is not periodic
        assertFalse(java.util.Arrays.equals(TempoStandIn.content(0, 4096),
                TempoStandIn.content(TempoStandIn.CHUNK_SIZE, 4096)));
    }

    @Test
    void awaitRequestsTimesOut() {
        AssertionError e = assertThrows(AssertionError.class, () -> tempo.awaitRequests(1, Duration.ofMillis(50)));
        assertTrue(e.getMessage().contains("received 0"), e.getMessage());
        assertThrows(AssertionError.class, tempo::lastRequest);
    }

    @Test
    void resourceGivesTheGatewayItsUrl() {
        TempoStandInResource resource = new TempoStandInResource();
        Map<String, String> config = resource.start();
        TempoStandIn shared = TempoStandInResource.tempo();
        assertEquals(shared.url(), config.get("tracegate.upstream.query-frontend"));
        assertEquals(shared.url(), config.get("tracegate.upstream.distributor"));
        // start() again while running (same class loader): same stand-in, reset
        shared.hang();
        assertEquals(config, new TempoStandInResource().start());
        assertTrue(shared == TempoStandInResource.tempo());
        resource.stop();
        assertThrows(IllegalStateException.class, TempoStandInResource::tempo);
    }

    private static URI uri(String pathAndQuery) {
        return URI.create(tempo.url() + pathAndQuery);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
