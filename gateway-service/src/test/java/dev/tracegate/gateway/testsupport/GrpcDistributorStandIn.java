package dev.tracegate.gateway.testsupport;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;

/**
 * Tempo's distributor as an OTLP gRPC receiver: an HTTP/2 (cleartext, prior knowledge) server on 127.0.0.1 that
 * records the last call and answers like a gRPC server, an empty {@code ExportTraceServiceResponse} then the
 * {@code grpc-status: 0} trailer. Config: {@code tracegate.upstream.distributor-grpc}.
 */
public class GrpcDistributorStandIn implements QuarkusTestResourceLifecycleManager {

    /** What the last call brought: path, headers (metadata) and the framed message. */
    public record Call(String path, MultiMap headers, Buffer body) {
    }

    private static volatile Call last;
    private Vertx vertx;

    @Override
    public Map<String, String> start() {
        vertx = Vertx.vertx();
        try {
            int port = vertx.createHttpServer(new HttpServerOptions().setHttp2ClearTextEnabled(true))
                    .requestHandler(request -> request.body().onSuccess(body -> {
                        last = new Call(request.path(), MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body);
                        request.response()
                                .putHeader("content-type", "application/grpc")
                                .write(Buffer.buffer(new byte[] { 0, 0, 0, 0, 0 }));
                        request.response().trailers().add("grpc-status", "0");
                        request.response().end();
                    }))
                    .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS)
                    .actualPort();
            return Map.of("tracegate.upstream.distributor-grpc", "127.0.0.1:" + port);
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the gRPC distributor stand-in", e);
        }
    }

    @Override
    public void stop() {
        if (vertx != null) {
            vertx.close();
        }
    }

    public static Call lastCall() {
        return last;
    }

    public static void clear() {
        last = null;
    }
}
