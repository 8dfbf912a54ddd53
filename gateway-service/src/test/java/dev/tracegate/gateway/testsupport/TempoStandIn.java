package dev.tracegate.gateway.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.FileSystemOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/**
 * A stand-in for Grafana Tempo in the gateway's tests: a real HTTP/1.1 server (Vert.x, its own instance) on
 * {@code 127.0.0.1} and a random port, playing both the query-frontend (Tempo's HTTP API: {@code /api/traces/<id>},
 * {@code /api/search}, {@code /api/v2/search/tags}, {@code /api/echo}, ...) and the distributor (OTLP/HTTP
 * {@code POST /v1/traces}).
 *
 * <h2>Recording</h2>
 * Every request is recorded, body complete and untouched (no decompression), <em>before</em> it is answered: once a
 * client has the answer, {@link #requests()} has the request. {@link #awaitRequests(int)} waits for requests whose
 * answer the client may never see ({@link #hang()}, {@link #closeConnection()}).
 *
 * <h2>Behaviour</h2>
 * Set by a test, it applies to requests that arrive afterwards (all paths), until changed or {@link #reset()}:
 * <ul>
 * <li>default, like a multi-tenant Tempo: {@code POST /v1/traces} → 200 with an empty OTLP answer (empty body with
 * {@code Content-Type: application/x-protobuf}; {@code {}} as {@code application/json} when the request was JSON),
 * or 503 {@code no org id} (text) without {@code X-Scope-OrgID}; {@code /ready} → 200 {@code ready}; anything else →
 * 200 {@code application/json} {@code {"path": <raw path>, "orgId": <X-Scope-OrgID>, "method": ..., "query": <raw
 * query or null>}}, or 401 {@code no org id} (text) without {@code X-Scope-OrgID};</li>
 * <li>{@link #respondWith(int, String, String)}: a fixed answer;</li>
 * <li>{@link #hang()}: read the request, never answer (the connection stays open until {@link #reset()} or
 * {@link #close()});</li>
 * <li>{@link #closeConnection()}: read the request, then close the TCP connection without a byte of answer;</li>
 * <li>{@link #streamLargeBody(long)}: 200 {@code application/octet-stream} with that many bytes of deterministic
 * content ({@link #contentByte(long)}; check it with {@link #verifyContent(InputStream)}), written in 64 KiB chunks
 * with back-pressure (never more than the connection's write queue ahead of the client), optionally pausing after a
 * number of bytes until the test says so; progress in {@link #streamProgress()} / {@link #bytesWritten()};</li>
 * <li>{@link #slowResponse(Duration)}: wait that long after the request before the answer's headers (combines with
 * all of the above).</li>
 * </ul>
 *
 * <pre>{@code
 * try (TempoStandIn tempo = TempoStandIn.start()) {
 *     tempo.streamLargeBody(50L << 20, 1 << 20, resume);   // 50 MiB, stop after 1 MiB until resume completes
 *     ... request through the gateway ...
 *     tempo.streamProgress().paused().get(30, SECONDS);    // upstream has written 1 MiB and waits
 *     resume.complete(null);
 *     assertEquals(50L << 20, TempoStandIn.verifyContent(body));
 * }
 * }</pre>
 * Thread-safe. Close it (or let the JVM end) to stop its Vert.x.
 */
public final class TempoStandIn implements AutoCloseable {

    /** Size of the chunks {@link #streamLargeBody(long)} writes. */
    public static final int CHUNK_SIZE = 64 * 1024;

    private static final Duration DEFAULT_AWAIT = Duration.ofSeconds(30);

    private final Vertx vertx;
    private final HttpServer server;
    private final List<RecordedRequest> requests = new ArrayList<>(); // guarded by itself
    private final Set<HttpServerRequest> hanging = ConcurrentHashMap.newKeySet();
    private volatile Behaviour behaviour = Behaviour.DEFAULT;
    private volatile Duration delayBeforeHeaders = Duration.ZERO;
    private volatile StreamProgress lastStream;
    private volatile long generation; // bumped by reset(): requests of an earlier generation do not hang
    private final java.util.concurrent.atomic.AtomicInteger openConnections = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();

    private TempoStandIn(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    /** Starts a stand-in on 127.0.0.1 and a free port. */
    public static TempoStandIn start() {
        Vertx vertx = Vertx.vertx(new VertxOptions()
                .setEventLoopPoolSize(1)
                .setWorkerPoolSize(1)
                .setInternalBlockingPoolSize(1)
                .setFileSystemOptions(new FileSystemOptions().setFileCachingEnabled(false)
                        .setClassPathResolvingEnabled(false)));
        HttpServerOptions options = new HttpServerOptions()
                .setHost("127.0.0.1")
                .setPort(0)
                .setMaxInitialLineLength(64 * 1024) // long TraceQL queries
                .setMaxHeaderSize(64 * 1024)
                .setHandle100ContinueAutomatically(true)
                .setDecompressionSupported(false)
                .setCompressionSupported(false);
        HttpServer server = vertx.createHttpServer(options);
        TempoStandIn tempo = new TempoStandIn(vertx, server);
        server.requestHandler(tempo::handle);
        server.connectionHandler(connection -> {
            tempo.openConnections.incrementAndGet();
            connection.closeHandler(v -> tempo.openConnections.decrementAndGet());
        });
        try {
            server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            vertx.close();
            throw new IllegalStateException("Tempo stand-in could not listen on 127.0.0.1", e);
        }
        return tempo;
    }

    /** TCP connections open to the stand-in now (the gateway keeps idle ones in its pool). */
    public int openConnections() {
        return openConnections.get();
    }

    /** Requests received and not yet answered (or their connection closed); streamed answers are not counted out. */
    public int requestsInFlight() {
        return inFlight.get();
    }

    /** The port it listens on (127.0.0.1). */
    public int port() {
        return server.actualPort();
    }

    /** {@code http://127.0.0.1:<port>}: the query-frontend and distributor base URL. */
    public String url() {
        return "http://127.0.0.1:" + port();
    }

    // ------------------------------------------------------------------------------------------------------------
    // Recorded requests

    /** A snapshot of every request received since start, {@link #clear()} or {@link #reset()}, in arrival order. */
    public List<RecordedRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** The most recent request; fails if none was received. */
    public RecordedRequest lastRequest() {
        synchronized (requests) {
            if (requests.isEmpty()) {
                throw new AssertionError("the Tempo stand-in received no request");
            }
            return requests.get(requests.size() - 1);
        }
    }

    /** Waits (up to 30 s) until at least {@code n} requests are recorded; returns them all. */
    public List<RecordedRequest> awaitRequests(int n) {
        return awaitRequests(n, DEFAULT_AWAIT);
    }

    /** Waits (up to {@code timeout}) until at least {@code n} requests are recorded; returns them all. */
    public List<RecordedRequest> awaitRequests(int n, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (requests) {
            while (requests.size() < n) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("the Tempo stand-in received " + requests.size() + " request(s), "
                            + "expected at least " + n + " within " + timeout + ": " + requests);
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(requests, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
            return List.copyOf(requests);
        }
    }

    /** Forgets the recorded requests (behaviour unchanged). */
    public void clear() {
        synchronized (requests) {
            requests.clear();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Behaviour

    /** Back to the default answers, no delay, no recorded requests; closes the connections of hanging requests. */
    public TempoStandIn reset() {
        generation++;
        behaviour = Behaviour.DEFAULT;
        delayBeforeHeaders = Duration.ZERO;
        lastStream = null;
        clear();
        List<HttpServerRequest> hung = new ArrayList<>(hanging);
        hanging.clear();
        for (HttpServerRequest request : hung) {
            request.connection().close();
        }
        return this;
    }

    /** Answer every request with this status, {@code Content-Type} (null: none) and UTF-8 body. */
    public TempoStandIn respondWith(int status, String contentType, String body) {
        return respondWith(status, contentType, body == null ? new byte[0] : body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Answer every request with this status, {@code Content-Type} (null: none) and body. */
    public TempoStandIn respondWith(int status, String contentType, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        if (contentType != null) {
            headers.put("Content-Type", contentType);
        }
        return respondWith(status, headers, body);
    }

    /** Answer every request with this status, these headers and body ({@code Content-Length} is added). */
    public TempoStandIn respondWith(int status, Map<String, String> headers, byte[] body) {
        return respondWith(status, null, headers, body);
    }

    /** The same, with this reason phrase in the status line (null: the standard one). */
    public TempoStandIn respondWith(int status, String reason, Map<String, String> headers, byte[] body) {
        behaviour = Behaviour.fixed(status, reason, Map.copyOf(headers), body.clone());
        return this;
    }

    /** Read each request and never answer it (until {@link #reset()} or {@link #close()}). */
    public TempoStandIn hang() {
        behaviour = Behaviour.HANG;
        return this;
    }

    /** Read each request, then close the connection without answering. */
    public TempoStandIn closeConnection() {
        behaviour = Behaviour.CLOSE;
        return this;
    }

    /** Answer 200 with {@code bytes} bytes of {@link #contentByte(long) deterministic content}, with Content-Length. */
    public TempoStandIn streamLargeBody(long bytes) {
        return streamLargeBody(bytes, false);
    }

    /** As {@link #streamLargeBody(long)}; {@code chunked}: chunked transfer encoding instead of Content-Length. */
    public TempoStandIn streamLargeBody(long bytes, boolean chunked) {
        return streamLargeBody(bytes, chunked, -1, null);
    }

    /**
     * As {@link #streamLargeBody(long)}, but stops writing after exactly {@code pauseAfterBytes} bytes until
     * {@code resume} completes (normally or not). With several such requests, all pause on the same future.
     */
    public TempoStandIn streamLargeBody(long bytes, long pauseAfterBytes, CompletableFuture<Void> resume) {
        return streamLargeBody(bytes, false, pauseAfterBytes, Objects.requireNonNull(resume, "resume"));
    }

    /** The general form: pauseAfterBytes {@code < 0} (and resume null) for no pause. */
    public TempoStandIn streamLargeBody(long bytes, boolean chunked, long pauseAfterBytes,
            CompletableFuture<Void> resume) {
        if (bytes < 0) {
            throw new IllegalArgumentException("bytes < 0");
        }
        if (pauseAfterBytes >= 0 && resume == null) {
            throw new IllegalArgumentException("a pause needs a resume future");
        }
        behaviour = Behaviour.stream(bytes, chunked, pauseAfterBytes, resume);
        return this;
    }

    /** Wait this long after each request before the answer's headers (Duration.ZERO: no wait). */
    public TempoStandIn slowResponse(Duration delayBeforeHeaders) {
        this.delayBeforeHeaders = Objects.requireNonNull(delayBeforeHeaders);
        return this;
    }

    /** The progress of the most recent streamed answer, or null if none started since start or reset. */
    public StreamProgress streamProgress() {
        return lastStream;
    }

    /** Bytes the most recent streamed answer has handed to its connection so far (0 if none). */
    public long bytesWritten() {
        StreamProgress s = lastStream;
        return s == null ? 0 : s.bytesWritten();
    }

    /** Stops the server and its Vert.x (waits up to 10 s). Hanging requests' connections are closed. */
    @Override
    public void close() {
        try {
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // best effort
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Deterministic content

    /** The byte at {@code offset} of every streamed body: not periodic, so a lost or repeated chunk shows. */
    public static byte contentByte(long offset) {
        long x = (offset + 1) * 0x9E3779B97F4A7C15L;
        return (byte) (x >>> 56 ^ x >>> 29);
    }

    /** {@code length} bytes of content from {@code offset}. */
    public static byte[] content(long offset, int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = contentByte(offset + i);
        }
        return b;
    }

    /**
     * Reads {@code in} to its end, checking every byte against {@link #contentByte(long)}; returns the count. Throws
     * {@link AssertionError} at the first wrong byte. Does not close {@code in}. Constant memory.
     */
    public static long verifyContent(InputStream in) {
        return verifyContentFrom(in, 0);
    }

    /** As {@link #verifyContent(InputStream)} for a stream whose first byte is the content's byte {@code offset}. */
    public static long verifyContentFrom(InputStream in, long offset) {
        byte[] buffer = new byte[CHUNK_SIZE];
        long position = offset;
        try {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] != contentByte(position + i)) {
                        throw new AssertionError("streamed body differs at byte " + (position + i));
                    }
                }
                position += n;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading the streamed body failed at byte " + position, e);
        }
        return position - offset;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Serving

    private void handle(HttpServerRequest request) {
        inFlight.incrementAndGet();
        java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
        Runnable finished = () -> {
            if (done.compareAndSet(false, true)) {
                inFlight.decrementAndGet();
            }
        };
        request.response().endHandler(v -> finished.run());
        request.response().closeHandler(v -> finished.run());
        Behaviour b = behaviour; // the behaviour when the request arrives
        Duration delay = delayBeforeHeaders;
        long gen = generation;
        request.body().onSuccess(body -> {
            record(request, body);
            if (delay.isZero() || delay.isNegative()) {
                answer(request, b, gen);
            } else {
                vertx.setTimer(Math.max(1, delay.toMillis()), t -> answer(request, b, gen));
            }
        });
        // a request whose body never completes (client gone) is neither recorded nor answered
    }

    private void record(HttpServerRequest request, Buffer body) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        request.headers().forEach(e -> headers.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
        String remote = request.remoteAddress() == null ? null
                : request.remoteAddress().host() + ":" + request.remoteAddress().port();
        RecordedRequest recorded = new RecordedRequest(request.method().name(), request.path(), request.query(),
                headers, body.getBytes(), remote);
        synchronized (requests) {
            requests.add(recorded);
            requests.notifyAll();
        }
    }

    private void answer(HttpServerRequest request, Behaviour b, long gen) {
        HttpServerResponse response = request.response();
        if (response.closed()) {
            return;
        }
        switch (b.kind) {
            case DEFAULT:
                answerLikeTempo(request);
                break;
            case FIXED:
                b.headers.forEach(response::putHeader);
                response.setStatusCode(b.status);
                if (b.reason != null) {
                    response.setStatusMessage(b.reason);
                }
                response.end(Buffer.buffer(b.body));
                break;
            case HANG:
                hanging.add(request);
                request.connection().closeHandler(v -> { // replaces the one counting open connections
                    hanging.remove(request);
                    openConnections.decrementAndGet();
                });
                if (gen != generation && hanging.remove(request)) {
                    request.connection().close(); // reset() came between arrival and now
                }
                break;
            case CLOSE:
                request.connection().close();
                break;
            case STREAM:
                stream(response, b);
                break;
            default:
                throw new IllegalStateException(b.kind.toString());
        }
    }

    private static void answerLikeTempo(HttpServerRequest request) {
        HttpServerResponse response = request.response();
        String orgId = request.getHeader("X-Scope-OrgID");
        String path = request.path();
        if (request.method() == HttpMethod.POST && "/v1/traces".equals(path)) {
            if (orgId == null) {
                response.setStatusCode(503).putHeader("Content-Type", "text/plain; charset=utf-8").end("no org id");
                return;
            }
            String contentType = request.getHeader("Content-Type");
            if (contentType != null && contentType.toLowerCase().startsWith("application/json")) {
                response.setStatusCode(200).putHeader("Content-Type", "application/json").end("{}");
            } else {
                response.setStatusCode(200).putHeader("Content-Type", "application/x-protobuf").end();
            }
            return;
        }
        if ("/ready".equals(path)) {
            response.setStatusCode(200).putHeader("Content-Type", "text/plain; charset=utf-8").end("ready");
            return;
        }
        if (orgId == null) {
            response.setStatusCode(401).putHeader("Content-Type", "text/plain; charset=utf-8").end("no org id");
            return;
        }
        JsonObject json = new JsonObject()
                .put("path", path)
                .put("orgId", orgId)
                .put("method", request.method().name())
                .put("query", request.query());
        response.setStatusCode(200).putHeader("Content-Type", "application/json").end(json.encode());
    }

    private void stream(HttpServerResponse response, Behaviour b) {
        StreamProgress progress = new StreamProgress(b.bytes, b.pauseAfterBytes);
        lastStream = progress;
        response.setStatusCode(200).putHeader("Content-Type", "application/octet-stream");
        if (b.chunked) {
            response.setChunked(true);
        } else {
            response.putHeader("Content-Length", Long.toString(b.bytes));
        }
        response.closeHandler(v -> progress.finish(false));
        new StreamWriter(vertx.getOrCreateContext(), response, progress, b.resume).run();
    }

    /** Writes a streamed body on the event loop, one chunk at a time, following the write queue. */
    private static final class StreamWriter {
        private final Context context;
        private final HttpServerResponse response;
        private final StreamProgress progress;
        private final CompletableFuture<Void> resume;
        private long written;
        private boolean resumed;
        private boolean running;

        StreamWriter(Context context, HttpServerResponse response, StreamProgress progress,
                CompletableFuture<Void> resume) {
            this.context = context;
            this.response = response;
            this.progress = progress;
            this.resume = resume;
        }

        void run() {
            if (running) {
                // re-entered, e.g. by a drain handler called from inside write(): the outer loop carries on
                return;
            }
            running = true;
            try {
                writeWhilePossible();
            } finally {
                running = false;
            }
        }

        private void writeWhilePossible() {
            while (written < progress.total) {
                if (response.closed()) {
                    progress.finish(false);
                    return;
                }
                if (!resumed && progress.pauseAfter >= 0 && written == progress.pauseAfter) {
                    response.drainHandler(null);
                    progress.paused.complete(written);
                    resume.whenComplete((v, e) -> context.runOnContext(x -> {
                        resumed = true;
                        run();
                    }));
                    return;
                }
                if (response.writeQueueFull()) {
                    response.drainHandler(v -> {
                        response.drainHandler(null);
                        run();
                    });
                    return;
                }
                long limit = progress.total;
                if (!resumed && progress.pauseAfter >= 0) {
                    limit = Math.min(limit, progress.pauseAfter);
                }
                int n = (int) Math.min(CHUNK_SIZE, limit - written);
                Buffer chunk = Buffer.buffer(content(written, n));
                written += n;
                progress.written.addAndGet(n);
                response.write(chunk);
            }
            if (!response.closed()) {
                response.end();
                progress.finish(true);
            } else {
                progress.finish(false);
            }
        }
    }

    /** Progress of one streamed answer. */
    public static final class StreamProgress {
        private final long total;
        private final long pauseAfter;
        private final AtomicLong written = new AtomicLong();
        private final CompletableFuture<Long> done = new CompletableFuture<>();
        private final CompletableFuture<Long> paused = new CompletableFuture<>();
        private volatile boolean ended;

        StreamProgress(long total, long pauseAfter) {
            this.total = total;
            this.pauseAfter = pauseAfter;
        }

        /** The body size announced. */
        public long totalBytes() {
            return total;
        }

        /**
         * Bytes handed to the connection so far. Vert.x may still hold up to its write queue size of them (about
         * 64 KiB) when the client reads slowly; beyond that, writing waits.
         */
        public long bytesWritten() {
            return written.get();
        }

        /** Completes with {@link #bytesWritten()} when the writer reaches the pause point (never if no pause). */
        public CompletableFuture<Long> paused() {
            return paused;
        }

        /** Completes with {@link #bytesWritten()} when the answer ended, or its connection closed first. */
        public CompletableFuture<Long> done() {
            return done;
        }

        /** True once the whole body was written and the answer ended. */
        public boolean ended() {
            return ended;
        }

        void finish(boolean complete) {
            if (complete) {
                ended = true;
            }
            done.complete(written.get());
        }
    }

    private enum Kind {
        DEFAULT, FIXED, HANG, CLOSE, STREAM
    }

    private static final class Behaviour {
        static final Behaviour DEFAULT = new Behaviour(Kind.DEFAULT);
        static final Behaviour HANG = new Behaviour(Kind.HANG);
        static final Behaviour CLOSE = new Behaviour(Kind.CLOSE);

        final Kind kind;
        int status;
        String reason;
        Map<String, String> headers = Map.of();
        byte[] body;
        long bytes;
        boolean chunked;
        long pauseAfterBytes = -1;
        CompletableFuture<Void> resume;

        private Behaviour(Kind kind) {
            this.kind = kind;
        }

        static Behaviour fixed(int status, String reason, Map<String, String> headers, byte[] body) {
            Behaviour b = new Behaviour(Kind.FIXED);
            b.status = status;
            b.reason = reason;
            b.headers = headers;
            b.body = body;
            return b;
        }

        static Behaviour stream(long bytes, boolean chunked, long pauseAfterBytes, CompletableFuture<Void> resume) {
            Behaviour b = new Behaviour(Kind.STREAM);
            b.bytes = bytes;
            b.chunked = chunked;
            b.pauseAfterBytes = pauseAfterBytes;
            b.resume = resume;
            return b;
        }
    }
}
