package dev.tracegate.gateway.lifecycle;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracegate.gateway.packaged.PackagedGateway;
import dev.tracegate.gateway.testsupport.TlsIssuerStandIn;
import dev.tracegate.testsupport.LoopbackPorts;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The packaged gateway (target/quarkus-app, its production configuration) stopped as Kubernetes stops a pod:
 * SIGTERM in the middle of a slow OTLP upload and a slow trace download. Readiness goes down first while the
 * gateway still serves new connections (quarkus.shutdown.delay), then it closes each connection after its
 * answer while both requests in flight complete, byte for byte (quarkus.shutdown.timeout), and only then does
 * it exit and refuse connections.
 */
class GracefulShutdownIT {
    static final int HALF = 256 * 1024;

    Vertx vertx;
    Map<String, String> issuer;
    TlsIssuerStandIn issuerStandIn;
    Process gateway;
    final AtomicLong uploadReceived = new AtomicLong();
    final CompletableFuture<Void> downloadPaused = new CompletableFuture<>();
    final CompletableFuture<Void> releaseDownload = new CompletableFuture<>();

    @BeforeEach
    void start() throws Exception {
        issuerStandIn = new TlsIssuerStandIn();
        issuer = issuerStandIn.start();
        vertx = Vertx.vertx();
        int tempoPort = vertx.createHttpServer().requestHandler(request -> {
            if (request.method() == HttpMethod.POST) {
                // The distributor: counts the pushed bytes and answers once the body has ended.
                request.handler(chunk -> uploadReceived.addAndGet(chunk.length()));
                request.endHandler(v -> request.response().putHeader("Content-Type", "application/json")
                        .end("{\"received\":" + uploadReceived.get() + "}"));
            } else {
                // The query-frontend: half of the trace, then the rest once the test says so.
                HttpServerResponse response = request.response().putHeader("Content-Length", String.valueOf(2 * HALF));
                response.write(Buffer.buffer(content(0, HALF)));
                downloadPaused.complete(null);
                releaseDownload.thenRun(() -> vertx.runOnContext(v -> response.end(Buffer.buffer(content(HALF, HALF)))));
            }
        }).listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).actualPort();

        Path tenants = Files.createDirectories(Path.of("target", "graceful-shutdown")).resolve("tenants.yaml");
        Files.writeString(tenants, """
                tenants:
                  mode: static
                  authentication:
                    - tenantName: team
                      tenantId: team
                      oidc:
                        issuerURL: %s
                        issuerCAPath: %s
                        usernameClaim: email
                        groupClaim: groups
                        clientID: tracegate-tls
                  authorization:
                    roles:
                      - {name: rw, resources: [traces], tenants: [team], permissions: [read, write]}
                    roleBindings:
                      - {name: team, roles: [rw], subjects: [{kind: group, name: team}]}
                """.formatted(issuer.get("tls-issuer.url"), issuer.get("tls-issuer.ca")));
        httpPort = LoopbackPorts.free();
        managementPort = LoopbackPorts.free();
        String tempo = "http://127.0.0.1:" + tempoPort;
        List<String> settings = List.of("-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + httpPort,
                "-Dquarkus.management.host=127.0.0.1", "-Dquarkus.management.port=" + managementPort,
                "-Dtracegate.tenants.file=" + tenants.toAbsolutePath(),
                "-Dtracegate.upstream.query-frontend=" + tempo, "-Dtracegate.upstream.distributor=" + tempo);
        gateway = new ProcessBuilder(PackagedGateway.command(settings)).redirectErrorStream(true)
                .redirectOutput(Path.of("target", "graceful-shutdown", "gateway.log").toFile()).start();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> probe(managementPort, "/q/health/ready").status() == 200);
    }

    int httpPort;
    int managementPort;

    @AfterEach
    void stop() throws Exception {
        releaseDownload.complete(null);
        if (gateway != null && gateway.isAlive()) {
            gateway.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        issuerStandIn.stop();
    }

    @Test
    void sigtermLetsASlowUploadAndASlowDownloadFinishAndTakesReadinessDownBeforeRefusingConnections() throws Exception {
        String token = TlsIssuerStandIn.token("tracegate-tls", "alice@example.com", Set.of("team"));
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        String base = "http://127.0.0.1:" + httpPort + "/api/traces/v1/team";

        CompletableFuture<HttpResponse<InputStream>> download = client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/tempo/api/traces/0af7651916cd43dd8448eb211c80319c"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream());
        GatedBody uploadBody = new GatedBody();
        CompletableFuture<HttpResponse<String>> upload = client.sendAsync(HttpRequest.newBuilder(URI.create(base + "/v1/traces"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/x-protobuf")
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> uploadBody), 2L * HALF))
                .build(), HttpResponse.BodyHandlers.ofString());
        uploadBody.send(content(0, HALF));

        // Both in flight: Tempo has sent half the trace, and most of the push's first half has reached it (the
        // rest may sit in the client's and the gateway's buffers).
        downloadPaused.get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> uploadReceived.get() >= HALF / 2 || upload.isDone());
        assertTrue(!upload.isDone() && uploadReceived.get() <= HALF, () -> "the push ended early: " + upload.getNow(null));

        gateway.destroy(); // SIGTERM, as the kubelet sends it

        // Readiness goes down while new connections are still served (the delay), then the gateway answers with
        // "Connection: close" (the shutdown phase: it waits for the requests in flight); it never refuses a new
        // connection before readiness went down.
        boolean readinessDown = false;
        boolean servedWhileNotReady = false;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            assertTrue(System.nanoTime() < deadline, "the gateway never began its shutdown");
            readinessDown |= probe(managementPort, "/q/health/ready").status() != 200;
            Probe fresh = probe(httpPort, "/api/traces/v1/nobody/tempo/api/echo");
            assertTrue(fresh.status() == 404 || readinessDown, "a new connection was refused (" + fresh + ") before readiness went down");
            assertTrue(fresh.status() == 404, "new connections refused while requests are still in flight: " + fresh);
            servedWhileNotReady |= readinessDown;
            if (readinessDown && fresh.closing()) {
                break;
            }
            Thread.sleep(100);
        }
        assertTrue(servedWhileNotReady, "new connections were still served after readiness went down (the shutdown delay)");

        // Only now, with the gateway shutting down, do the two requests in flight go on.
        uploadBody.send(content(HALF, HALF));
        uploadBody.end();
        releaseDownload.complete(null);

        HttpResponse<InputStream> downloaded = download.get(30, TimeUnit.SECONDS);
        assertEquals(200, downloaded.statusCode());
        try (InputStream body = downloaded.body()) {
            assertArrayEquals(content(0, 2 * HALF), body.readAllBytes(), "the whole trace, byte for byte");
        }
        HttpResponse<String> pushed = upload.get(30, TimeUnit.SECONDS);
        assertEquals(200, pushed.statusCode(), pushed.body());
        assertEquals(2L * HALF, uploadReceived.get(), "the whole push reached the distributor");
        assertTrue(gateway.waitFor(30, TimeUnit.SECONDS), "the gateway exits once nothing is in flight");
        assertEquals(-1, probe(httpPort, "/api/traces/v1/nobody/tempo/api/echo").status(), "and then refuses connections");
    }

    /** What a request on a connection of its own got: the status (-1: refused) and whether the server closes it. */
    record Probe(int status, boolean closing) {
    }

    static Probe probe(int port, String path) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            String statusLine = in.readLine();
            if (statusLine == null) {
                return new Probe(-1, true);
            }
            boolean closing = false;
            for (String header = in.readLine(); header != null && !header.isEmpty(); header = in.readLine()) {
                closing |= header.equalsIgnoreCase("connection: close");
            }
            return new Probe(Integer.parseInt(statusLine.split(" ")[1]), closing);
        } catch (IOException e) {
            return new Probe(-1, true);
        }
    }

    static byte[] content(int offset, int length) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) ((offset + i) % 251);
        }
        return bytes;
    }

    /** A request body the test hands out piece by piece: reads block until the next piece or the end. */
    static final class GatedBody extends InputStream {
        private static final byte[] END = new byte[0];
        private final BlockingQueue<byte[]> pieces = new LinkedBlockingQueue<>();
        private byte[] current = new byte[0];
        private int position;

        void send(byte[] piece) {
            pieces.add(piece);
        }

        void end() {
            pieces.add(END);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            while (current != END && position == current.length) {
                try {
                    current = pieces.take();
                    position = 0;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new java.io.InterruptedIOException();
                }
            }
            if (current == END) {
                return -1;
            }
            int n = Math.min(length, current.length - position);
            System.arraycopy(current, position, buffer, offset, n);
            position += n;
            return n;
        }
    }
}
