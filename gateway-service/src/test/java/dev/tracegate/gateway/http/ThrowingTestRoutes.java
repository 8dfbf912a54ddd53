package dev.tracegate.gateway.http;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.ext.web.Router;

/**
 * Test-only routes that fail the way a bug would: a handler that throws, and a callback that throws later on the
 * event loop, outside any handler. Under {@code /test/}, which the gateway itself never serves.
 */
@ApplicationScoped
public class ThrowingTestRoutes {

    void register(@Observes Router router) {
        router.get("/test/throws").handler(rc -> {
            throw new IllegalStateException("a bug in a handler\nFORGED LOG LINE");
        });
        router.get("/test/throws-later").handler(rc -> rc.vertx().setTimer(1, id -> {
            throw new IllegalStateException("a bug in a callback");
        }));
        router.post("/test/throws-after-reading-some").handler(rc -> {
            rc.request().handler(chunk -> {
                throw new IllegalArgumentException("a bug while streaming");
            });
        });
    }
}
