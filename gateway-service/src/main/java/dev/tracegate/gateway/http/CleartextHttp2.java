package dev.tracegate.gateway.http;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.vertx.http.HttpServerOptionsCustomizer;
import io.vertx.core.http.HttpServerOptions;

import dev.tracegate.gateway.config.GatewayConfig;

/**
 * Turns HTTP/2 with prior knowledge off on the cleartext port when {@code tracegate.cleartext.http2} is false.
 * Quarkus has no setting of its own for it: {@code quarkus.http.http2=false} would turn HTTP/2 over TLS off too.
 */
@ApplicationScoped
public class CleartextHttp2 implements HttpServerOptionsCustomizer {

    private final GatewayConfig config;

    public CleartextHttp2(GatewayConfig config) {
        this.config = config;
    }

    @Override
    public void customizeHttpServer(HttpServerOptions options) {
        if (!config.cleartext().http2()) {
            options.setHttp2ClearTextEnabled(false);
        }
    }
}
