package dev.tracegate.gateway.proxy;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

import dev.tracegate.gateway.http.ErrorResponses;

/** {@code tracegate.limits.max-body-size}: checked on Content-Length up front, and counted while a body streams. */
final class BodyLimit {

    private BodyLimit() {
    }

    /** Whether a declared Content-Length already exceeds the limit. */
    static boolean declaredTooLarge(RoutingContext rc, long limit) {
        String length = rc.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return false;
        }
        try {
            return Long.parseLong(length.trim()) > limit;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Answers 413 and closes the connection: the rest of the body is not read. */
    static void refuse(RoutingContext rc, long limit) {
        ErrorResponses.closeConnectionAfterAnswer(rc);
        ErrorResponses.send(rc, 413, "payload_too_large", "request body exceeds the limit of " + limit + " bytes");
    }
}
