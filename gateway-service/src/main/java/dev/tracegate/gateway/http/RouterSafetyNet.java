package dev.tracegate.gateway.http;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import dev.tracegate.gateway.metrics.GatewayMetrics;

/**
 * What every request on the public port goes through, whatever route serves it:
 * <ul>
 * <li>first, HTTP/2 headers that HTTP/1.1 could not carry are refused with 400: a value with a control character
 * other than TAB (CR, LF, NUL, ...), a name that is not a lowercase token (RFC 9113 §8.2.1). Forwarded to an
 * HTTP/1.1 upstream they would split or fold headers, and Vert.x' own check would fail the request late, as a 500;</li>
 * <li>an HTTP/1.1 {@code Transfer-Encoding} other than exactly {@code chunked} is refused with 501 and the connection
 * closed (RFC 9112 §6.1). Netty frames a body only by {@code chunked} and takes any other coding for no body at all,
 * so the bytes of a body sent as {@code xchunked} or {@code gzip} would be read as the next request: a proxy in front
 * that framed them otherwise would have a request smuggled past it;</li>
 * <li>a path no route serves is a JSON 404, not Vert.x' HTML page;</li>
 * <li>those answers are counted in {@code tracegate_gateway_requests} as the routes count theirs, with tenant
 * {@code unknown} and route {@code none} (no tenant was looked at): a client probing the gateway shows there;</li>
 * <li>an exception, thrown by a handler or later by a callback on the request's event loop, ends in a JSON 400/500
 * (or a reset stream, once an answer has started) instead of a request left open; after a callback's, the rest of
 * the request's body is dropped, so a body handler that fails on every piece is logged once.</li>
 * </ul>
 */
@ApplicationScoped
public class RouterSafetyNet {

    private static final Logger LOG = Logger.getLogger(RouterSafetyNet.class);
    /** The request a Vert.x (duplicated) context serves, so an exception on it can still answer that request. */
    private static final String REQUEST_KEY = RouterSafetyNet.class.getName() + ".request";
    private static final String TOKEN_SYMBOLS = "!#$%&'*+-.^_`|~";

    private final GatewayMetrics metrics;

    public RouterSafetyNet(GatewayMetrics metrics) {
        this.metrics = metrics;
    }

    void register(@Observes Router router, Vertx vertx) {
        router.route().order(Integer.MIN_VALUE).handler(this::first).failureHandler(this::failed);
        router.route().last().handler(rc -> {
            long started = System.nanoTime();
            ErrorResponses.notFound(rc, "no such route: the gateway serves "
                    + "/api/traces/v1/<tenant>/... and /oidc/<tenant>/...");
            counted(rc, 404, started);
        });
        Handler<Throwable> previous = vertx.exceptionHandler();
        vertx.exceptionHandler(failure -> {
            if (!failRequestOfCurrentContext(failure) && previous != null) {
                previous.handle(failure);
            }
        });
    }

    private void first(RoutingContext rc) {
        Context context = Vertx.currentContext();
        if (context != null) {
            context.putLocal(REQUEST_KEY, rc);
        }
        String malformed = rc.request().version() == HttpVersion.HTTP_2 ? malformedHttp2Header(rc) : null;
        if (malformed != null) {
            long started = System.nanoTime();
            ErrorResponses.closeConnectionAfterAnswer(rc);
            ErrorResponses.send(rc, 400, "bad_request", malformed);
            counted(rc, 400, started);
            return;
        }
        if (rc.request().version() != HttpVersion.HTTP_2 && rc.request().headers().contains(HttpHeaders.TRANSFER_ENCODING)
                && !chunkedOnly(rc.request().headers().getAll(HttpHeaders.TRANSFER_ENCODING))) {
            long started = System.nanoTime();
            ErrorResponses.sendAndClose(rc, 501, "not_implemented", "Transfer-Encoding must be chunked or absent");
            counted(rc, 501, started);
            return;
        }
        rc.next();
    }

    /**
     * A request answered here, before any route looked for its tenant. Counted when the answer is sent, not at the
     * response's end: a 501's response never ends (see {@link ErrorResponses#sendAndClose}).
     */
    private void counted(RoutingContext rc, int status, long started) {
        metrics.request(GatewayMetrics.UNKNOWN_TENANT, "none", rc.request().method().name(), status,
                Duration.ofNanos(System.nanoTime() - started));
    }

    /** An allow-list: one Transfer-Encoding, exactly {@code chunked}. */
    private static boolean chunkedOnly(List<String> transferEncodings) {
        return transferEncodings.size() == 1 && "chunked".equalsIgnoreCase(transferEncodings.get(0).trim());
    }

    /** What is wrong with the request's headers for an HTTP/1.1 hop, or null when nothing is. */
    private static String malformedHttp2Header(RoutingContext rc) {
        for (Map.Entry<String, String> header : rc.request().headers()) {
            String name = header.getKey();
            // Pseudo-headers (:method, :path, ...) are Netty's to check, and never forwarded as such.
            if (!name.startsWith(":") && !isLowercaseToken(name)) {
                return "a header name is not a lowercase token (letters, digits and !#$%&'*+-.^_`|~)";
            }
            String value = header.getValue();
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                // RFC 9110 §5.5: visible characters, space, TAB and obs-text; no other control character.
                if (c < ' ' && c != '\t' || c == 0x7f) {
                    return "a header value contains a control character (CR, LF, NUL, ...)";
                }
            }
        }
        return null;
    }

    /** An allow-list: RFC 9110's token characters, without the upper case HTTP/2 forbids in names. */
    private static boolean isLowercaseToken(String name) {
        if (name.isEmpty()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean allowed = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || TOKEN_SYMBOLS.indexOf(c) >= 0;
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    private void failed(RoutingContext rc) {
        Throwable failure = rc.failure();
        int status = rc.statusCode();
        if (failure != null) {
            // Messages may quote what the client sent: escaped, and the stack trace only at debug.
            LOG.errorf("%s %s failed: %s: %s", rc.request().method().name(), LogValues.escape(rc.normalizedPath()),
                    failure.getClass().getName(), LogValues.escape(failure.getMessage()));
            LOG.debug("Stack trace of the failure", failure);
        }
        answer(rc, status >= 400 && status < 500 ? status : 500);
    }

    private static void answer(RoutingContext rc, int status) {
        if (rc.response().ended() || rc.response().closed()) {
            return;
        }
        ErrorResponses.closeConnectionAfterAnswer(rc);
        if (status == 500) {
            ErrorResponses.send(rc, 500, "internal_error", "the gateway failed to handle the request");
        } else {
            ErrorResponses.send(rc, status, status == 404 ? "not_found" : "bad_request", "the request cannot be served");
        }
    }

    /** An exception no handler caught: fail the request of the context it happened on, if there is one. */
    private static boolean failRequestOfCurrentContext(Throwable failure) {
        Context context = Vertx.currentContext();
        Object request = context == null ? null : context.getLocal(REQUEST_KEY);
        if (!(request instanceof RoutingContext rc) || rc.response().ended() || rc.response().closed()) {
            return false;
        }
        LOG.errorf("%s %s failed in a callback: %s: %s", rc.request().method().name(),
                LogValues.escape(rc.normalizedPath()), failure.getClass().getName(), LogValues.escape(failure.getMessage()));
        LOG.debug("Stack trace of the failure", failure);
        answer(rc, 500);
        // The rest of the body is not wanted after a 500 (the connection closes): not handed to a body handler that
        // may fail again on every piece, each an uncaught exception logged anew.
        rc.request().handler(null);
        return true;
    }
}
