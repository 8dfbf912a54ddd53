package dev.tracegate.gateway.http;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import dev.tracegate.gateway.metrics.GatewayMetrics;

/**
 * Every error the gateway answers itself: a status and a short JSON body {@code {"error": ..., "message": ...}}.
 * Messages say what was wrong in words a client can act on, and never carry a token, secret or stack trace.
 */
public final class ErrorResponses {

    private static final String GRPC_ROUTE = ErrorResponses.class.getName() + ".grpc";
    /** Set once the fate of the request's unread body is decided: dropped, or the connection closed after the answer. */
    private static final String BODY_DECIDED = ErrorResponses.class.getName() + ".bodyDecided";

    /** How long a connection closed after an answer stays open first, for the client to read the answer. */
    static final long LINGER_MILLIS = 2000;

    /** The longest body {@link #refusedBeforeBody} reads and drops to keep the connection; Go's server reads 256 KiB. */
    static final long DISCARDED_BODY_LIMIT = 256 * 1024;

    /** How long {@link #refusedBeforeBody} waits for each next piece of such a body: nginx's lingering_timeout. */
    static final long DISCARD_IDLE_MILLIS = 5000;

    /** How long {@link #refusedBeforeBody} waits for all of such a body: nginx's lingering_time. */
    static final long DISCARD_MAX_MILLIS = 30000;

    private ErrorResponses() {
    }

    /**
     * An HTTP/1.x answer after which nothing more on the connection is served: the answer is written whole and the
     * connection closed, without ending the response in Vert.x' sense. Ending it would let Vert.x go on to the next
     * request it decodes on the connection (even with {@code Connection: close} on the answer), and when the request's
     * framing itself is in doubt, the next "request" may be its body. The close waits a moment, as nginx's lingering
     * close does: closed at once with the client's bytes still unread, the connection is reset, and a reset can
     * destroy the answer before the client has read it.
     */
    public static void sendAndClose(RoutingContext rc, int status, String error, String message) {
        HttpServerResponse response = rc.response();
        if (response.headWritten() || response.closed()) {
            cut(rc);
            return;
        }
        Buffer body = json(response, status, error, message);
        response.putHeader(HttpHeaders.CONNECTION, "close")
                .putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length()))
                .write(body);
        // Closed by the client once it has the answer; if not, closed here (after the write is flushed).
        rc.vertx().setTimer(LINGER_MILLIS, id -> response.close());
    }

    /**
     * An error answer. A body still unread is dealt with as {@link #refusedBeforeBody} does, unless the caller
     * decided before ({@link #closeConnectionAfterAnswer}): whatever refused the request, no client holds the
     * connection by sending a body nobody reads.
     */
    public static void send(RoutingContext rc, int status, String error, String message) {
        HttpServerResponse response = rc.response();
        if (response.headWritten()) {
            // Too late for a status: the client sees a cut-off body instead of a complete one.
            cut(rc);
            return;
        }
        if (isGrpc(rc)) {
            GatewayMetrics.countAs(rc, status); // not as the HTTP 200 that carries it
            sendGrpc(response, GrpcStatus.of(status), error + ": " + message);
            return;
        }
        refusedBeforeBody(rc);
        response.end(json(response, status, error, message));
    }

    /** Sets the status and headers of a JSON error answer; returns its body. */
    private static Buffer json(HttpServerResponse response, int status, String error, String message) {
        response.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
        return Buffer.buffer(new JsonObject().put("error", error).put("message", message).encode());
    }

    /**
     * For an answer given before the request's body was read: an HTTP/1.1 connection cannot carry the next request
     * after a body nobody reads, so the client is told to close it, and it is closed {@link #LINGER_MILLIS} after the
     * answer if the client has not (Vert.x does not close on the header: a client that ignored it would hold the
     * connection, its body paused, until the idle timeout). A request that declares no body keeps its connection: a
     * refused GET costs the client no new connection. HTTP/2 streams end on their own and forbid the header. Where the
     * body's framing itself is in doubt, {@link #sendAndClose}.
     */
    public static void closeConnectionAfterAnswer(RoutingContext rc) {
        if (!http1RequestOpenBeforeAnswer(rc) || !decidedNow(rc)) {
            return;
        }
        if (declaresNoBody(rc.request())) {
            // Nothing is left unread: the end the paused request holds back goes through, and the connection carries
            // the client's next request.
            rc.request().resume();
            return;
        }
        rc.response().putHeader(HttpHeaders.CONNECTION, "close");
        HttpConnection connection = rc.request().connection();
        rc.addEndHandler(ended -> rc.vertx().setTimer(LINGER_MILLIS, id -> connection.close()));
    }

    /**
     * For a refusal given before the request's body was read, where the body will never be read ({@link #send} calls
     * it): a short body (a {@code Content-Length} up to {@link #DISCARDED_BODY_LIMIT}) is read and dropped after the
     * answer, so that the connection carries the client's next request, as nginx and Go's HTTP server do. An exporter
     * whose token expired keeps its connection (behind an Ingress, a TLS handshake) for the push it sends with the
     * next token. A body whose next piece does not come within {@link #DISCARD_IDLE_MILLIS}, or that is not in whole
     * within {@link #DISCARD_MAX_MILLIS}, closes the connection then. A longer body (reading it would cost more than
     * the client's new connection), a chunked one (of no known length) or one the client holds back until a 100
     * (Continue) closes it as {@link #closeConnectionAfterAnswer} does. Once either has decided, later calls change
     * nothing.
     */
    public static void refusedBeforeBody(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        if (!http1RequestOpenBeforeAnswer(rc) || ContinueExpectation.awaited(rc) || declaresNoBody(request)
                || !declaresShortBody(request)) {
            // Nothing to do, no body (resumed), or a body that cannot be dropped here (the connection closed).
            closeConnectionAfterAnswer(rc);
            return;
        }
        if (decidedNow(rc)) {
            new BodyDiscard(rc.vertx(), request).start();
        }
    }

    /** True the first time it is asked for a request, when its unread body has not been dealt with yet. */
    private static boolean decidedNow(RoutingContext rc) {
        if (rc.get(BODY_DECIDED) != null) {
            return false;
        }
        rc.put(BODY_DECIDED, Boolean.TRUE);
        return true;
    }

    /**
     * Reads and drops a refused request's body, and closes the connection when the body comes too slowly: sent slowly
     * on purpose, it would hold the connection of a client the gateway has refused. Netty frames the body by its
     * {@code Content-Length}: no more than that is read before the next request's head.
     */
    private static final class BodyDiscard {
        private final Vertx vertx;
        private final HttpServerRequest request;
        private final long startedNanos = System.nanoTime();
        private long lastPieceNanos = startedNanos;
        private long timer;

        BodyDiscard(Vertx vertx, HttpServerRequest request) {
            this.vertx = vertx;
            this.request = request;
        }

        void start() {
            // A piece only notes the time: the one timer checks it when due, instead of a new timer for each piece.
            request.handler(piece -> lastPieceNanos = System.nanoTime());
            request.endHandler(ended -> vertx.cancelTimer(timer));
            timer = vertx.setTimer(DISCARD_IDLE_MILLIS, this::check);
            request.resume();
        }

        private void check(long id) {
            long now = System.nanoTime();
            long wait = Math.min(DISCARD_IDLE_MILLIS - (now - lastPieceNanos) / 1_000_000,
                    DISCARD_MAX_MILLIS - (now - startedNanos) / 1_000_000);
            if (wait > 0) {
                timer = vertx.setTimer(wait, this::check);
            } else {
                request.connection().close();
            }
        }
    }

    /** An HTTP/1.x request whose end has not been read yet, and no answer begun: the only kind these methods change. */
    private static boolean http1RequestOpenBeforeAnswer(RoutingContext rc) {
        return !rc.request().isEnded() && rc.request().version() != io.vertx.core.http.HttpVersion.HTTP_2
                && !rc.response().headWritten();
    }

    /** A {@code Content-Length} of at most {@link #DISCARDED_BODY_LIMIT}; not chunked. */
    private static boolean declaresShortBody(HttpServerRequest request) {
        long declared = BodyLimit.declaredLength(request.getHeader(HttpHeaders.CONTENT_LENGTH));
        return request.getHeader(HttpHeaders.TRANSFER_ENCODING) == null && declared >= 0
                && declared <= DISCARDED_BODY_LIMIT;
    }

    /**
     * A request with neither {@code Content-Length} (or one of 0) nor {@code Transfer-Encoding}: its body is empty
     * (RFC 9112, section 6.3), so the next bytes on the connection are the next request.
     */
    private static boolean declaresNoBody(HttpServerRequest request) {
        String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
        return request.getHeader(HttpHeaders.TRANSFER_ENCODING) == null && (length == null || length.equals("0"));
    }

    /**
     * A call on the gRPC route (OTLP gRPC): errors are gRPC statuses, not HTTP ones. Decided by the route that took
     * the request, never by its Content-Type, which any client sets on any path.
     */
    public static boolean isGrpc(RoutingContext rc) {
        return Boolean.TRUE.equals(rc.get(GRPC_ROUTE));
    }

    /** Marks the request as taken by the gRPC route. */
    public static void answerAsGrpc(RoutingContext rc) {
        rc.put(GRPC_ROUTE, Boolean.TRUE);
    }

    /**
     * Resets an answer whose head is out, so that the client cannot take the part it got for a whole answer, and
     * records that the gateway cut it (not the client).
     */
    public static void cut(RoutingContext rc) {
        GatewayMetrics.countAsCut(rc);
        rc.response().reset();
    }

    /** A gRPC "trailers-only" answer: HTTP 200 whose headers carry grpc-status and grpc-message. */
    private static void sendGrpc(HttpServerResponse response, int grpcStatus, String message) {
        response.setStatusCode(200)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/grpc")
                .putHeader("grpc-status", Integer.toString(grpcStatus))
                .putHeader("grpc-message", java.net.URLEncoder.encode(message, java.nio.charset.StandardCharsets.UTF_8)
                        .replace("+", "%20"))
                .end();
    }

    public static void notFound(RoutingContext rc, String message) {
        send(rc, 404, "not_found", message);
    }

    /** 401 with the challenge RFC 6750 asks for, naming the tenant's realm. */
    public static void unauthorized(RoutingContext rc, String tenant, String bearerError, String message) {
        unauthorized(rc, tenant, bearerError, "unauthorized", message);
    }

    /** As {@link #unauthorized(RoutingContext, String, String, String)}, with another {@code error} in the body. */
    public static void unauthorized(RoutingContext rc, String tenant, String bearerError, String error,
            String message) {
        String challenge = "Bearer realm=\"" + tenant + "\""
                + (bearerError == null ? "" : ", error=\"" + bearerError + "\"");
        rc.response().putHeader("WWW-Authenticate", challenge);
        send(rc, 401, error, message);
    }
}
