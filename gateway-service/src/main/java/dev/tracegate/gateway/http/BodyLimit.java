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
     * instead. The route should have paused the request when it took it, or chunks that came meanwhile are lost.
     */
    public static void readWhole(RoutingContext rc, long limit, Consumer<Buffer> then) {
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
        request.handler(chunk -> {
            if (body.length() + chunk.length() > limit) {
                request.handler(null);
                refuse(rc, limit);
                return;
            }
            body.appendBuffer(chunk);
        });
        request.endHandler(v -> {
            if (!rc.response().ended()) {
                then.accept(body);
            }
        });
        request.exceptionHandler(failure -> {
            // The client went away mid-body: nobody is left to answer.
        });
        request.resume();
    }
}
