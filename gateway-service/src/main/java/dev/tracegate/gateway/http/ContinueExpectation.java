package dev.tracegate.gateway.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code Expect: 100-continue} (RFC 9110 §10.1.1): the client sends the head, then waits for a 100 (Continue) before
 * it sends the body. Vert.x could send the 100 as soon as a head arrives; the gateway sends it only once the request
 * has passed every check and is about to be read, so that a refused push (no token, no permission, over the rate or
 * the size limit, an unknown tenant, Tempo unreachable) is answered before its body leaves the client. A request
 * answered without the 100 is answered with {@code Connection: close} ({@link ErrorResponses#send}): the client may
 * send the body anyway, and the connection cannot tell it from a next request.
 */
public final class ContinueExpectation {

    private static final String GRANTED = ContinueExpectation.class.getName() + ".granted";

    private ContinueExpectation() {
    }

    /** Whether the client waits for a 100 (Continue) it has not had; an HTTP/1.0 client's expectation is ignored. */
    public static boolean awaited(RoutingContext rc) {
        HttpServerRequest request = rc.request();
        return request.version() != HttpVersion.HTTP_1_0 && !request.isEnded()
                && "100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT)) && rc.get(GRANTED) == null;
    }

    /** Tells a client that waits for it to send the body now; nothing for any other client. */
    public static void grant(RoutingContext rc) {
        if (awaited(rc) && !rc.response().headWritten() && !rc.response().closed()) {
            rc.put(GRANTED, Boolean.TRUE);
            rc.response().writeContinue();
        }
    }
}
