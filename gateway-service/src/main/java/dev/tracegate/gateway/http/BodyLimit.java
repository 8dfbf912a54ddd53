package dev.tracegate.gateway.http;

import java.util.function.Consumer;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * A limit on a request body, checked on Content-Length up front and counted while the body arrives: streamed bodies
 * ({@code tracegate.limits.max-body-size}) and the small forms the gateway reads itself.
 */
public final class BodyLimit {

    private BodyLimit() {
    }

    /** Whether a declared Content-Length already exceeds the limit. */
    public static boolean declaredTooLarge(RoutingContext rc, long limit) {
        return declaredLength(rc.request().getHeader(HttpHeaders.CONTENT_LENGTH)) > limit;
    }

    /** A Content-Length header's value as a number; -1 when there is none or it is not a number. */
    public static long declaredLength(String contentLength) {
        if (contentLength == null) {
            return -1;
        }
        try {
            return Long.parseLong(contentLength.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Answers 413 and closes the connection: the rest of the body is not read. */
    public static void refuse(RoutingContext rc, long limit) {
        ErrorResponses.closeConnectionAfterAnswer(rc);
        ErrorResponses.send(rc, 413, "payload_too_large", "request body exceeds the limit of " + limit + " bytes");
    }

    /**
     * Reads a small body whole, then hands it on; over the limit (declared or counted, chunked bodies too) it is 413
     * instead, and not in whole within {@code maxMillis} it is 408. A small body arrives at once from any real
     * client; one sent a few bytes at a time, each within the idle timeout, would hold the connection for as long as
     * the client likes. The route should have paused the request when it took it, or chunks that came meanwhile are
     * lost.
     */
    public static void readWhole(RoutingContext rc, long limit, long maxMillis, Consumer<Buffer> then) {
        HttpServerRequest request = rc.request();
        if (declaredTooLarge(rc, limit)) {
            refuse(rc, limit);
            return;
        }
        if (request.isEnded()) {
            then.accept(Buffer.buffer());
            return;
        }
        ContinueExpectation.grant(rc);
        Buffer body = Buffer.buffer();
        long deadline = rc.vertx().setTimer(maxMillis, id -> {
            if (!request.isEnded() && !rc.response().ended()) {
                stopReading(request);
                ErrorResponses.closeConnectionAfterAnswer(rc);
                ErrorResponses.send(rc, 408, "request_timeout",
                        "the request body did not arrive in whole within " + maxMillis / 1000 + " s");
            }
        });
        request.handler(chunk -> {
            if (body.length() + chunk.length() > limit) {
                rc.vertx().cancelTimer(deadline);
                stopReading(request);
                refuse(rc, limit);
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(v -> {
            rc.vertx().cancelTimer(deadline);
            if (!rc.response().ended()) {
                then.accept(body);
            }
        });
        request.exceptionHandler(failure -> {
            // The client went away mid-body: nobody is left to answer.
            rc.vertx().cancelTimer(deadline);
        });
        request.resume();
    }

    /** The rest of the body is dropped as it comes; the connection is closed after the answer. */
    private static void stopReading(HttpServerRequest request) {
        request.handler(null);
        request.endHandler(null);
    }
}
