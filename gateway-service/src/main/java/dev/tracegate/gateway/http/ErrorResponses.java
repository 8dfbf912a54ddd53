package dev.tracegate.gateway.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Every error the gateway answers itself: a status and a short JSON body {@code {"error": ..., "message": ...}}.
 * Messages say what was wrong in words a client can act on, and never carry a token, secret or stack trace.
 */
public final class ErrorResponses {

    private ErrorResponses() {
    }

    public static void send(RoutingContext rc, int status, String error, String message) {
        HttpServerResponse response = rc.response();
        if (response.headWritten()) {
            // Too late for a status: the client sees a cut-off body instead of a complete one.
            response.reset();
            return;
        }
        String body = new JsonObject().put("error", error).put("message", message).encode();
        response.setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end(body);
    }

    public static void notFound(RoutingContext rc, String message) {
        send(rc, 404, "not_found", message);
    }

    /** 401 with the challenge RFC 6750 asks for, naming the tenant's realm. */
    public static void unauthorized(RoutingContext rc, String tenant, String bearerError, String message) {
        String challenge = "Bearer realm=\"" + tenant + "\""
                + (bearerError == null ? "" : ", error=\"" + bearerError + "\"");
        rc.response().putHeader("WWW-Authenticate", challenge);
        send(rc, 401, "unauthorized", message);
    }
}
